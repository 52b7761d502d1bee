/**
 * Setting up and tearing down one sandbox's networks, with the record as the durable truth:
 * written before the first ADD, updated after each step, removed only when every DEL succeeded.
 */
import {
  CniError,
  isCniError,
  parseNetworkConfigList,
  resultFamily,
  type AttachmentRecord,
  type PodRecord,
} from '@multinet/cni-types';
import type { CheckpointStore } from '@multinet/checkpoint';
import { addNetworkList } from '../chain/add-network-list.ts';
import type { ChainContext, RuntimeConf } from '../chain/chain-context.ts';
import { delNetworkList } from '../chain/del-network-list.ts';
import { listCachedAttachments } from '../cache/result-cache.ts';
import type { Logger } from '../internal/logger.ts';
import { readInterfaceMac } from './interface-mac.ts';
import type { PodPlan } from './pod-types.ts';

/** What the lifecycle steps need. */
export interface LifecycleContext {
  /** Chain context for ADD (may carry the caller's abort signal). */
  readonly chain: ChainContext;
  /** Chain context for cleanup: never the caller's signal, so an expired call still cleans up. */
  readonly cleanup: ChainContext;
  readonly records: CheckpointStore<PodRecord>;
  readonly logger: Logger;
  readonly now: () => string;
}

const summarize = (error: unknown): { code: string; message: string } =>
  isCniError(error) ? { code: error.code, message: error.message } : { code: 'POD_TEARDOWN_FAILED', message: error instanceof Error ? error.message : String(error) };

function runtimeOf(record: PodRecord, attachment: AttachmentRecord): RuntimeConf {
  return {
    containerId: record.sandboxId,
    netns: record.netns,
    ifName: attachment.ifName,
    args: attachment.cniArgs,
    capabilityArgs: attachment.capabilityArgs,
  };
}

/** The plugin types of an attachment's config, for messages. */
function pluginsOf(attachment: AttachmentRecord): string {
  try {
    return parseNetworkConfigList(attachment.configText).plugins.map((p) => p.type).join(',');
  } catch {
    return '?';
  }
}

/** Builds the initial record of a plan: every attachment planned. */
export function buildPlannedRecord(plan: PodPlan, now: string): PodRecord {
  return {
    sandboxId: plan.sandboxId,
    netns: plan.netns,
    pod: { namespace: plan.pod.namespace, name: plan.pod.name, uid: plan.pod.uid },
    phase: 'setting-up',
    createdAt: now,
    updatedAt: now,
    attachments: plan.attachments.map((a) => ({
      network: a.network,
      networkName: a.networkName,
      ifName: a.ifName,
      isDefault: a.isDefault,
      source: a.source,
      configText: a.configText,
      cniVersion: a.cniVersion,
      cniArgs: a.cniArgs.map(([k, v]) => [k, v] as [string, string]),
      capabilityArgs: { ...a.capabilityArgs },
      state: 'planned' as const,
      delAttempts: 0,
    })),
  };
}

/**
 * DELs every attachment of the record that may exist, in reverse order, keeping going past
 * failures. A record left in `setting-up` by a crash may hold an attachment whose ADD was under
 * way while still marked planned, so then planned ones are DELeted too (DEL must tolerate what
 * is missing, per the spec); a rollback passes `includePlanned: false`, as it knows what ran.
 * When every DEL succeeded the record is removed; otherwise it keeps only the failed ones, as
 * `del-failed` with their error and attempt count. Returns the errors.
 */
export async function deleteRecordedAttachments(ctx: LifecycleContext, record: PodRecord, options: { includePlanned: boolean } = { includePlanned: record.phase === 'setting-up' }): Promise<CniError[]> {
  // The record is not rewritten per DEL: a crash part-way leaves it whole, and DEL is idempotent
  // (spec), so the next teardown simply runs every DEL again. Only failures are written.
  const errors: CniError[] = [];
  const failed = new Map<AttachmentRecord, { code: string; message: string }>();
  for (const attachment of [...record.attachments].reverse()) {
    if (attachment.state === 'planned' && !options.includePlanned) continue;
    try {
      await delNetworkList(ctx.cleanup, parseNetworkConfigList(attachment.configText), runtimeOf(record, attachment));
    } catch (error) {
      const failure = summarize(error);
      failed.set(attachment, failure);
      errors.push(
        new CniError(
          'POD_TEARDOWN_FAILED',
          `DEL of network "${attachment.network}" (interface ${attachment.ifName}, plugins ${pluginsOf(attachment)}) for pod ${record.pod.namespace}/${record.pod.name} failed: ${failure.message}`,
          { network: attachment.network, ifName: attachment.ifName, containerId: record.sandboxId, pod: `${record.pod.namespace}/${record.pod.name}` },
          { cause: error },
        ),
      );
    }
  }
  if (failed.size === 0) {
    await ctx.records.remove(record.sandboxId);
    return errors;
  }
  await ctx.records.write(record.sandboxId, {
    ...record,
    phase: 'tearing-down',
    updatedAt: ctx.now(),
    attachments: record.attachments
      .filter((a) => failed.has(a))
      .map((a) => ({ ...a, state: 'del-failed' as const, error: failed.get(a), delAttempts: a.delAttempts + 1 })),
  });
  return errors;
}

/**
 * ADDs the plan's attachments in order after recording the plan. On a failure, DELs what was
 * attempted (the failed one included: the spec asks for DEL after a failed ADD) in reverse, then
 * throws POD_SETUP_FAILED naming the network, interface, plugins and reason.
 *
 * @throws {CniError} POD_SETUP_FAILED (cause: the plugin's error), RECORD_WRITE_FAILED
 */
export async function setUpPlannedPod(ctx: LifecycleContext, plan: PodPlan): Promise<PodRecord> {
  let record = buildPlannedRecord(plan, ctx.now());
  await ctx.records.write(record.sandboxId, record);
  const update = async (index: number, patch: Partial<AttachmentRecord>): Promise<void> => {
    record = { ...record, updatedAt: ctx.now(), attachments: record.attachments.map((a, i) => (i === index ? { ...a, ...patch } : a)) };
    await ctx.records.write(record.sandboxId, record);
  };
  const last = record.attachments.length - 1;
  // The plan is durable before the first ADD (above). Each result's write then overlaps the next
  // ADD: a crash in between leaves that attachment planned, and a crashed setup DELs planned
  // attachments too. A failed write surfaces right after the ADD it overlapped.
  let lastWrite: Promise<void> = Promise.resolve();
  for (const [index, attachment] of record.attachments.entries()) {
    try {
      const list = parseNetworkConfigList(attachment.configText);
      const result = await addNetworkList(ctx.chain, list, runtimeOf(record, attachment));
      let mac: string | undefined;
      if (result && resultFamily(result.cniVersion) === '020' && attachment.source !== 'loopback') {
        mac = await readInterfaceMac(record.netns, attachment.ifName);
      }
      // Each result is recorded after it; the last one also marks the sandbox ready (one write).
      await lastWrite; // the previous result's write ran during this ADD
      if (index === last) record = { ...record, phase: 'ready' };
      lastWrite = update(index, { state: 'added', ...(result ? { result: result as Record<string, unknown> } : {}), ...(mac ? { mac } : {}) });
    } catch (error) {
      await lastWrite.catch(() => undefined);
      const reason = summarize(error);
      ctx.logger.warn({ network: attachment.network, ifName: attachment.ifName, error: reason }, 'ADD failed; rolling back the pod');
      // The failed ADD may have left something behind: it is DELeted with the ones before it.
      const attempted = { ...record, attachments: record.attachments.map((a, i) => (i === index ? { ...a, state: 'adding' as const } : a)) };
      const rollbackErrors = await deleteRecordedAttachments(ctx, attempted, { includePlanned: false });
      const pod = `${record.pod.namespace}/${record.pod.name}`;
      const rolledBack = rollbackErrors.length === 0 ? 'rolled back' : `rollback left ${rollbackErrors.length} attachment(s) for retry`;
      throw new CniError(
        'POD_SETUP_FAILED',
        `pod ${pod}: ADD of network "${attachment.network}" (interface ${attachment.ifName}, plugins ${pluginsOf(attachment)}) failed, ${rolledBack}: ${reason.message}`,
        { pod, network: attachment.network, ifName: attachment.ifName, containerId: record.sandboxId, plugin: pluginsOf(attachment), pluginCode: isCniError(error) ? error.details.pluginCode : undefined },
        { cause: error },
      );
    }
  }
  await lastWrite;
  if (record.phase !== 'ready') {
    record = { ...record, phase: 'ready', updatedAt: ctx.now() };
    await ctx.records.write(record.sandboxId, record);
  }
  return record;
}

/**
 * Tears down a sandbox with no record (lost or quarantined) from libcni's result cache: each
 * cached attachment of the container is DELeted with its ADD-time config. Neither record nor
 * cache: nothing to do.
 */
export async function tearDownFromCache(ctx: LifecycleContext, sandboxId: string): Promise<CniError[]> {
  const cached = await listCachedAttachments(ctx.cleanup.cacheDir, sandboxId);
  if (cached.length === 0) {
    ctx.logger.debug({ sandboxId }, 'no record and no cache for the sandbox; nothing to tear down');
    return [];
  }
  const errors: CniError[] = [];
  for (const attachment of cached.reverse()) {
    try {
      await delNetworkList(ctx.cleanup, parseNetworkConfigList(attachment.configText, { file: attachment.file }), {
        containerId: sandboxId,
        netns: attachment.netns ?? '',
        ifName: attachment.ifName,
        args: attachment.cniArgs,
        capabilityArgs: attachment.capabilityArgs,
      });
    } catch (error) {
      errors.push(
        new CniError('POD_TEARDOWN_FAILED', `DEL of cached network "${attachment.network}" (interface ${attachment.ifName}) failed: ${summarize(error).message}`, {
          network: attachment.network,
          ifName: attachment.ifName,
          containerId: sandboxId,
        }, { cause: error }),
      );
    }
  }
  return errors;
}
