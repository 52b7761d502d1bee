/**
 * GC: tear down what no longer belongs, retry failed DELs, then CNI GC per network.
 */
import { reconcileSandbox } from '../attach/reconcile-sandbox.ts';
import { gcNetworkList } from '../chain/gc-network-list.ts';
import type { GcReport } from './driver-api.ts';
import type { DriverCore } from './driver-core.ts';
import { tearDownOwnedSandbox } from './tear-down-pod.ts';

const flatten = (error: unknown): Error[] => (error instanceof AggregateError ? (error.errors as Error[]) : [error as Error]);

/**
 * Tears down every recorded sandbox not in `validSandboxIds`, finishes the teardown of those
 * whose record is not ready, then runs CNI GC on each network with the attachments still held.
 * Exclusive of every other sandbox operation; keeps going past failures.
 */
export function gcSandboxes(core: DriverCore, validSandboxIds: Iterable<string>, signal?: AbortSignal): Promise<GcReport> {
  const valid = new Set(validSandboxIds);
  return core.exclusive(async (state) => {
    const errors: Error[] = [];
    const tornDown: string[] = [];
    const { records, problems } = await state.records.list();
    errors.push(...problems);
    for (const record of records) {
      const stale = !valid.has(record.sandboxId);
      try {
        if (stale || record.phase !== 'ready') {
          // Not wanted, or caught mid-setup or mid-teardown by a crash: take it all down.
          const failures = await tearDownOwnedSandbox(core, state, record.sandboxId);
          errors.push(...failures);
          if (stale && failures.length === 0) tornDown.push(record.sandboxId);
        } else if (record.attachments.some((a) => a.state !== 'added')) {
          // A running sandbox with failed DELs: finish those, keep everything made.
          const outcome = await reconcileSandbox(core.reconcileContext(state), record, record.attachments.filter((a) => a.state === 'added'));
          errors.push(...outcome.errors);
        }
      } catch (error) {
        errors.push(...flatten(error));
      }
    }
    const remaining = (await state.records.list()).records;
    await core.sync();
    const ctx = signal ? { ...state.chain, signal: AbortSignal.any([signal, ...(state.chain.signal ? [state.chain.signal] : [])]) } : state.chain;
    for (const network of core.catalog.snapshot.networks.values()) {
      const validAttachments = remaining.flatMap((r) =>
        r.attachments.filter((a) => a.networkName === network.name).map((a) => ({ containerId: r.sandboxId, ifName: a.ifName })),
      );
      try {
        await gcNetworkList(ctx, network.list, { validAttachments });
      } catch (error) {
        errors.push(...flatten(error));
      }
    }
    return { tornDown, errors };
  });
}
