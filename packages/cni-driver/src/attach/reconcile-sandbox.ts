/**
 * The one path that changes a sandbox: from what its record says to what is wanted. First setup,
 * retry, crash recovery, a changed request and teardown (nothing wanted) all run here.
 *
 * Write-ahead: each step's intent (with the exact config bytes) is durable before the step starts
 * — `deleting` before a DEL, `adding` before an ADD — and its outcome after. A crash anywhere
 * leaves a record from which the next reconcile finishes or undoes the step; the record never
 * says more than the kernel has.
 */
import { isDeepStrictEqual } from 'node:util';
import { CniError, isCniError, parseNetworkConfigList, resultFamily, type CniResult } from '@multinet/cni-types';
import { addNetworkList } from '../chain/add-network-list.ts';
import type { ChainContext, RuntimeConf } from '../chain/chain-context.ts';
import { delNetworkList } from '../chain/del-network-list.ts';
import type { Logger } from '../internal/logger.ts';
import { readInterfaceMac } from '../pod/interface-mac.ts';
import type { AttachmentFailure, ReconcileReport } from '../pod/pod-types.ts';
import { buildPodNetworkStatus, rememberCheckedResult } from '../pod/pod-status.ts';
import { buildAttachmentKey, selectAttachmentRef, type AttachmentRef, type PlannedAttachment } from './attachment.ts';
import type { RecordBook } from './record-book.ts';
import { selectReconcileSteps } from './reconcile-steps.ts';
import type { RetryBackoff } from './retry-backoff.ts';
import { buildAttachmentRecord, type AttachmentRecord, type PodRecord } from './sandbox-record.ts';
import { removeHalfMadeLinks } from './half-made-links.ts';
import { applyDefaultRoutes } from './apply-default-routes.ts';
import type { DefaultRouteEditor } from './route-editor.ts';
import { validateSandboxNetns } from './netns-safety.ts';
import { findAttachmentFault } from './verify-attachment.ts';
import { beginHeldCall, type HeldCall } from './held-call.ts';

/** What a reconcile needs. */
export interface ReconcileContext {
  /** Chain context for ADD (may carry the caller's abort signal). */
  readonly chain: ChainContext;
  /** Chain context for DEL and CHECK: never the caller's signal, so an expired call still cleans up. */
  readonly cleanup: ChainContext;
  readonly records: RecordBook;
  readonly backoff: RetryBackoff;
  /** Sandboxes this driver has verified against the kernel (or made) since it started. */
  readonly verified: Set<string>;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Changes default routes in the sandbox (NPWG `default-route`), as part of an attachment's ADD. */
  readonly routes: DefaultRouteEditor;
  /** Begin each DEL and ADD of a reconcile while the one before runs (see held-call.ts). @default true */
  readonly prestartPlugins?: boolean | undefined;
}

/** The sandbox being reconciled. */
export interface SandboxTarget {
  readonly sandboxId: string;
  readonly netns: string;
  readonly pod: { readonly namespace: string; readonly name: string; readonly uid: string };
  /** The selection format of the request, kept in the record for status. @default the record's */
  readonly selection?: PodRecord['selection'];
}

/** What a reconcile did; `errors` are DEL failures kept in the record for a retry. */
export interface ReconcileOutcome extends Omit<ReconcileReport, 'status'> {
  /** The record after the reconcile; undefined when it was removed (nothing left attached). */
  readonly record: PodRecord | undefined;
  readonly errors: readonly CniError[];
}

const summarize = (error: unknown): { code: string; message: string } =>
  isCniError(error) ? { code: error.code, message: error.message } : { code: 'PLUGIN_FAILED', message: error instanceof Error ? error.message : String(error) };

const podRefOf = (sandbox: SandboxTarget): string => `${sandbox.pod.namespace}/${sandbox.pod.name}`;

/** The plugin types of an attachment's config, for messages. */
function pluginsOf(attachment: Pick<AttachmentRecord, 'configText'>): string {
  try {
    return parseNetworkConfigList(attachment.configText).plugins.map((p) => p.type).join(',');
  } catch {
    return '?';
  }
}

function runtimeOf(sandbox: SandboxTarget, attachment: AttachmentRecord): RuntimeConf {
  return { containerId: sandbox.sandboxId, netns: sandbox.netns, ifName: attachment.ifName, args: attachment.cniArgs, capabilityArgs: attachment.capabilityArgs };
}

/**
 * Brings a sandbox to `wanted` (`[]`: tear it down). A failed ADD in a first setup rolls the whole
 * sandbox back and throws; in a running sandbox it is DELeted, reported in `failed`, retried with
 * backoff, and the other attachments keep working.
 *
 * @throws {CniError} POD_SETUP_FAILED (first setup; cause: the plugin's error), RECORD_WRITE_FAILED
 */
export async function reconcileSandbox(ctx: ReconcileContext, sandbox: SandboxTarget, wanted: readonly PlannedAttachment[]): Promise<ReconcileOutcome> {
  const added: AttachmentRef[] = [];
  const removed: AttachmentRef[] = [];
  const repaired: AttachmentRef[] = [];
  const failed: AttachmentFailure[] = [];
  const errors: CniError[] = [];
  const tearingDown = wanted.length === 0;
  let record = await ctx.records.read(sandbox.sandboxId);
  const now = ctx.now();
  // Whatever names the namespace — the request or a record — it is never the host's.
  await validateSandboxNetns(record?.netns ?? sandbox.netns, sandbox.sandboxId);
  if (record && record.netns !== sandbox.netns) await validateSandboxNetns(sandbox.netns, sandbox.sandboxId);

  // After a restart, a ready sandbox is verified before it is trusted; what is broken is redone.
  if (record?.phase === 'ready' && !tearingDown && !ctx.verified.has(sandbox.sandboxId)) {
    const broken = new Set<AttachmentRecord>();
    for (const attachment of record.attachments) {
      if (attachment.state !== 'added') continue;
      const fault = await findAttachmentFault(ctx.cleanup, record, attachment);
      if (fault === undefined) continue;
      ctx.logger.warn({ sandboxId: sandbox.sandboxId, network: attachment.network, ifName: attachment.ifName, fault }, 'recovered attachment is broken; making it again');
      broken.add(attachment);
      repaired.push(selectAttachmentRef(attachment));
    }
    if (broken.size > 0) record = { ...record, attachments: record.attachments.map((a) => (broken.has(a) ? { ...a, state: 'adding' as const } : a)) };
  }

  const steps = selectReconcileSteps(record, wanted);
  // New attachments of a running sandbox that failed recently wait for their backoff.
  const adds = steps.add.filter((attachment) => {
    if (steps.isFirstSetup) return true;
    const waiting = ctx.backoff.selectWaiting(sandbox.sandboxId, attachment, now);
    if (waiting) failed.push(waiting);
    return !waiting;
  });
  const phase: PodRecord['phase'] = tearingDown ? 'tearing-down' : steps.isFirstSetup ? 'setting-up' : 'ready';
  const wantedKeys = wanted.map(buildAttachmentKey);
  let current: AttachmentRecord[] = record?.attachments ? [...record.attachments] : [];
  let written: PodRecord | undefined = record;

  /** The record as it stands: wanted order first (defaults as wanted, once made), leftovers after. */
  const render = (renderPhase: PodRecord['phase']): PodRecord => {
    const picked = new Set<AttachmentRecord>();
    const ordered: AttachmentRecord[] = [];
    for (const [index, key] of wantedKeys.entries()) {
      const match = current.find((a) => a.state === 'added' && !picked.has(a) && buildAttachmentKey(a) === key);
      if (!match) continue;
      picked.add(match);
      ordered.push({ ...match, isDefault: wanted[index]!.isDefault });
    }
    // The pod keeps its old default until the new one is made.
    const hasNewDefault = ordered.some((a) => a.isDefault);
    const rest = current.filter((a) => !picked.has(a)).map((a) => (hasNewDefault && a.isDefault ? { ...a, isDefault: false } : a));
    const stamp = ctx.now().toISOString();
    const selection = sandbox.selection ?? record?.selection;
    return {
      sandboxId: sandbox.sandboxId,
      netns: record?.netns ?? sandbox.netns,
      pod: { namespace: sandbox.pod.namespace, name: sandbox.pod.name, uid: sandbox.pod.uid },
      phase: renderPhase,
      createdAt: record?.createdAt ?? stamp,
      updatedAt: stamp,
      attachments: [...ordered, ...rest],
      ...(selection ? { selection } : {}),
    };
  };
  /** What the last write of this reconcile was rendered from (`current` is replaced, never changed). */
  let persistedFrom: { attachments: AttachmentRecord[]; phase: PodRecord['phase'] } | undefined;
  const persist = async (renderPhase: PodRecord['phase']): Promise<void> => {
    written = render(renderPhase);
    persistedFrom = { attachments: current, phase: renderPhase };
    await ctx.records.write(written);
  };
  // The netns the attachments were made in is the record's: teardown never trusts a new one.
  const target: SandboxTarget = { ...sandbox, netns: record?.netns ?? sandbox.netns };

  /** Set when a DEL undid an ADD that may have been cut short: its half-made links are swept after. */
  let undidInterruptedAdd = false;
  /** Starts the DEL of `attachment`; its first plugin reads its config once `stdinGate` opens. */
  const startDel = async (attachment: AttachmentRecord, stdinGate?: Promise<void>): Promise<void> =>
    delNetworkList(ctx.cleanup, parseNetworkConfigList(attachment.configText), runtimeOf(target, attachment), { stdinGate });
  /** Starts the ADD of `attachment` (its list's plugins, then its default routes); gated as {@link startDel}. */
  const startAdd = async (attachment: AttachmentRecord, stdinGate?: Promise<unknown>): Promise<CniResult | undefined> => {
    const rt = runtimeOf(target, attachment);
    const made = await addNetworkList(ctx.chain, parseNetworkConfigList(attachment.configText), rt, { stdinGate });
    // Part of the ADD: a failure here undoes the attachment like a failed plugin.
    return applyDefaultRoutes(ctx.routes, ctx.chain, attachment, rt, made).then((result) => {
      if (result && result === made) rememberCheckedResult(result, attachment.cniVersion);
      return result;
    });
  };
  /**
   * Begins the call of `next` ahead (see held-call.ts) unless the driver turned prestarts off;
   * `undefined` otherwise. (With an executor that cannot hold stdin, `invokePlugin` waits for the
   * gate before calling it: the same order, without the overlap.)
   */
  const beginAhead = <T>(next: AttachmentRecord | undefined, start: (a: AttachmentRecord, gate: Promise<void>) => Promise<T>): HeldCall<T> | undefined =>
    next !== undefined && ctx.prestartPlugins !== false ? beginHeldCall((gate) => start(next, gate)) : undefined;

  /** DELs `attachment` (or awaits its DEL begun ahead); true when it is gone. A failure is kept as `del-failed`. */
  const runDel = async (attachment: AttachmentRecord, isUndo = false, begun?: Promise<void>): Promise<boolean> => {
    try {
      await (begun ?? startDel(attachment));
      if (isUndo || unknownAdds.has(attachment)) undidInterruptedAdd = true;
      current = current.filter((a) => a !== attachment);
      if (!isUndo) removed.push(selectAttachmentRef(attachment));
      return true;
    } catch (error) {
      const failure = summarize(error);
      current = current.map((a) => (a === attachment ? { ...a, state: 'del-failed' as const, error: failure, delAttempts: a.delAttempts + 1 } : a));
      errors.push(
        new CniError(
          'POD_TEARDOWN_FAILED',
          `DEL of network "${attachment.network}" (interface ${attachment.ifName}, plugins ${pluginsOf(attachment)}) for pod ${podRefOf(sandbox)} failed: ${failure.message}`,
          { network: attachment.network, ifName: attachment.ifName, containerId: sandbox.sandboxId, pod: podRefOf(sandbox) },
          { cause: error },
        ),
      );
      return false;
    }
  };

  // 1. Intents: every DEL and ADD of this reconcile, durable before the first of them starts.
  let dels = [...steps.finish, ...steps.del];
  // ADDs whose outcome is unknown (a crash or a repair): their DEL may leave temporary links.
  const unknownAdds = new Set<AttachmentRecord>();
  /** The ADD intents this reconcile wrote: none of them has started until step 3. */
  const newAddIntents = new Set<AttachmentRecord>();
  /**
   * The write of the intents, when the first ADD comes next: that ADD's first plugin starts while
   * the intents are made durable and reads its config only once they are (a plugin can do
   * nothing before it has its config), so the `fdatasync` overlaps the plugin's own start.
   */
  let intentsWritten: Promise<void> | undefined;
  if (dels.length > 0 || adds.length > 0 || (record !== undefined && record.phase !== phase)) {
    const deleting = new Map<AttachmentRecord, AttachmentRecord>();
    for (const attachment of dels) {
      const next: AttachmentRecord = attachment.state === 'del-failed' ? attachment : { ...attachment, state: 'deleting' };
      deleting.set(attachment, next);
      if (attachment.state === 'adding' || attachment.state === 'planned') unknownAdds.add(next);
    }
    const intents = adds.map((a): AttachmentRecord => ({ ...buildAttachmentRecord(a, 'adding'), isDefault: false }));
    for (const intent of intents) newAddIntents.add(intent);
    current = [...current.map((a) => deleting.get(a) ?? a), ...intents];
    dels = dels.map((a) => deleting.get(a) ?? a);
    const written = persist(phase);
    if (dels.length > 0 || adds.length === 0 || ctx.prestartPlugins === false) await written;
    else {
      intentsWritten = written;
      // Handled at once: it may fail before the first ADD gets to wait for it.
      written.catch(() => undefined);
    }
  }

  const sweepHalfMadeLinks = async (): Promise<void> => {
    if (!undidInterruptedAdd) return;
    undidInterruptedAdd = false;
    const swept = await removeHalfMadeLinks(target.netns, new Set(current.map((a) => a.ifName)));
    if (swept.length > 0) ctx.logger.warn({ sandboxId: sandbox.sandboxId, links: swept }, 'removed links an interrupted ADD left half-made');
  };

  // 2. DEL what is unfinished or unwanted, in reverse order; each DEL's plugin starts while the
  // one before runs, and acts once that one is done (a DEL that fails does not stop the next).
  let delAhead: HeldCall<void> | undefined;
  try {
    for (const [index, attachment] of dels.entries()) {
      const begun = delAhead;
      begun?.go();
      delAhead = beginAhead(dels[index + 1], startDel);
      await runDel(attachment, false, begun?.result);
    }
  } finally {
    delAhead?.cancel(new Error('the DELs before it did not finish'));
  }
  await sweepHalfMadeLinks();
  if (tearingDown) {
    if (current.length === 0) {
      if (record !== undefined || written !== undefined) await ctx.records.remove(sandbox.sandboxId);
      ctx.backoff.forget(sandbox.sandboxId);
      ctx.verified.delete(sandbox.sandboxId);
      return { record: undefined, added, removed, repaired, failed, errors };
    }
    await persist('tearing-down');
    return { record: written, added, removed, repaired, failed, errors };
  }
  if (steps.isFirstSetup && errors.length > 0) {
    // The ADDs never started: their intents go, or every retry would add a copy of each.
    current = current.filter((a) => !newAddIntents.has(a));
    await persist('setting-up');
    throw new CniError('POD_SETUP_FAILED', `pod ${podRefOf(sandbox)}: sandbox ${sandbox.sandboxId} still has attachments whose DEL fails: ${errors.map((e) => e.message).join('; ')}`, {
      pod: podRefOf(sandbox),
      containerId: sandbox.sandboxId,
    }, { cause: new AggregateError(errors) });
  }

  // 3. ADD what is new, in order. Each result's write overlaps the next ADD: a crash in between
  // leaves that attachment `adding`, which the next reconcile DELs and makes again.
  // Each ADD's plugin starts while the ADD before it runs and acts once that one is done (see
  // held-call.ts); an ADD that ends the loop (a first setup's failure) cancels the one begun ahead.
  let lastWrite: Promise<void> = intentsWritten ?? Promise.resolve();
  const pendingAdds = current.filter((a) => a.state === 'adding');
  let addAhead: HeldCall<CniResult | undefined> | undefined;
  /** The loop ends here: the ADD begun ahead never gets its turn, and its plugin is gone (unread) before anything else runs. */
  const dropAddAhead = async (reason: unknown): Promise<void> => {
    addAhead?.cancel(reason);
    await addAhead?.result.catch(() => undefined);
    addAhead = undefined;
  };
  for (const [index, attachment] of pendingAdds.entries()) {
    try {
      const begun = addAhead;
      begun?.go();
      const adding = begun?.result ?? startAdd(attachment, index === 0 ? intentsWritten : undefined);
      addAhead = beginAhead(pendingAdds[index + 1], startAdd);
      const result = await adding;
      let mac: string | undefined;
      if (result && resultFamily(result.cniVersion) === '020' && attachment.source !== 'loopback') mac = await readInterfaceMac(target.netns, attachment.ifName);
      await lastWrite;
      current = current.map((a) => (a === attachment ? { ...a, state: 'added' as const, ...(result ? { result: result as Record<string, unknown> } : {}), ...(mac ? { mac } : {}) } : a));
      added.push(selectAttachmentRef(attachment));
      ctx.backoff.forget(sandbox.sandboxId, attachment);
      const isLast = index === pendingAdds.length - 1 && steps.delLast.length === 0;
      lastWrite = persist(isLast || !steps.isFirstSetup ? 'ready' : 'setting-up');
    } catch (error) {
      // The intents never became durable: no plugin has read its config; the write's error is the reconcile's.
      if (index === 0 && intentsWritten !== undefined) {
        const unwritten = await intentsWritten.then(() => undefined, (failure: unknown) => ({ failure }));
        if (unwritten) {
          await dropAddAhead(unwritten.failure);
          throw unwritten.failure;
        }
      }
      await lastWrite.catch(() => undefined);
      const reason = summarize(error);
      ctx.logger.warn({ sandboxId: sandbox.sandboxId, network: attachment.network, ifName: attachment.ifName, error: reason }, 'ADD failed');
      if (steps.isFirstSetup) {
        await dropAddAhead(error);
        throw await rollBack(attachment, error, reason);
      }
      // SPEC: a failed ADD is followed by DEL; the sandbox's other attachments stay. (A DEL that
      // fails too leaves it `del-failed`, retried before anything else next time.)
      await runDel(attachment, true);
      await sweepHalfMadeLinks();
      const failure = ctx.backoff.recordFailure(sandbox.sandboxId, attachment, reason, ctx.now());
      failed.push(failure);
      lastWrite = persist('ready');
    }
  }
  await lastWrite;

  // 4. The old default goes once the new one is made.
  const wantedDefault = wanted.find((a) => a.isDefault);
  const defaultMade = wantedDefault !== undefined && current.some((a) => a.state === 'added' && buildAttachmentKey(a) === buildAttachmentKey(wantedDefault));
  for (const old of steps.delLast) {
    const inCurrent = current.find((a) => buildAttachmentKey(a) === buildAttachmentKey(old) && a.state === 'added');
    if (!inCurrent || !defaultMade) continue;
    current = current.map((a) => (a === inCurrent ? { ...a, state: 'deleting' as const } : a));
    await persist('ready');
    await runDel(current.find((a) => buildAttachmentKey(a) === buildAttachmentKey(old) && a.state === 'deleting')!);
  }

  // Written again only when something but the time changed (the record read back from disk may
  // order its keys differently from a rendered one: compared as JSON values, not as text).
  // A record this reconcile wrote from the same attachments is known to be the same (a render
  // differs only in its time); only one read from disk needs the comparison.
  const persistedAsIs = persistedFrom?.attachments === current && persistedFrom.phase === 'ready';
  if (!persistedAsIs && !isSameRecord(render('ready'), written)) await persist('ready');
  ctx.verified.add(sandbox.sandboxId);
  for (const attachment of steps.del) ctx.backoff.forget(sandbox.sandboxId, attachment);
  return { record: written, added, removed, repaired, failed, errors };

  /** A failed first setup: DEL everything attempted (the failed one too), in reverse. */
  async function rollBack(failedAttachment: AttachmentRecord, cause: unknown, reason: { message: string }): Promise<CniError> {
    const attempted = current.filter((a) => a.state === 'added' || a === failedAttachment).reverse();
    for (const a of attempted) await runDel(a, a === failedAttachment);
    await sweepHalfMadeLinks();
    current = current.filter((a) => a.state !== 'adding');
    if (current.length === 0) await ctx.records.remove(sandbox.sandboxId);
    else await persist('setting-up');
    const rolledBack = current.length === 0 ? 'rolled back' : `rollback left ${current.length} attachment(s) for retry`;
    const pod = podRefOf(sandbox);
    return new CniError(
      'POD_SETUP_FAILED',
      `pod ${pod}: ADD of network "${failedAttachment.network}" (interface ${failedAttachment.ifName}, plugins ${pluginsOf(failedAttachment)}) failed, ${rolledBack}: ${reason.message}`,
      {
        pod,
        network: failedAttachment.network,
        ifName: failedAttachment.ifName,
        containerId: sandbox.sandboxId,
        plugin: pluginsOf(failedAttachment),
        pluginCode: isCniError(cause) ? cause.details.pluginCode : undefined,
      },
      { cause },
    );
  }
}

/** The report of a reconcile, with the status it leaves. */
export function buildReconcileReport(outcome: ReconcileOutcome, backoff: RetryBackoff, sandboxId: string): ReconcileReport | undefined {
  if (!outcome.record) return undefined;
  const status = buildPodNetworkStatus(outcome.record, backoff.list(sandboxId));
  return { status, added: outcome.added, removed: outcome.removed, repaired: outcome.repaired, failed: outcome.failed };
}

/** True when two records say the same but for `updatedAt` (key order and undefined fields aside). Pure. */
function isSameRecord(a: PodRecord, b: PodRecord | undefined): boolean {
  if (b === undefined) return false;
  const value = (r: PodRecord): unknown => JSON.parse(JSON.stringify({ ...r, updatedAt: '' }));
  return isDeepStrictEqual(value(a), value(b));
}
