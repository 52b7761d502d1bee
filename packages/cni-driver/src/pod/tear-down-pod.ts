/**
 * Tearing a sandbox down: reconcile it to nothing, from its record alone; with no record, from
 * libcni's result cache.
 */
import type { CniError } from '@multinet/cni-types';
import { tearDownFromCache } from '../attach/cache-teardown.ts';
import { reconcileSandbox } from '../attach/reconcile-sandbox.ts';
import type { DriverCore, OwnedState } from './driver-core.ts';

/**
 * DELs every attachment of the sandbox in reverse order; returns the DEL failures (kept in the
 * record, as `del-failed`, for a retry). Runs inside the sandbox's serialization.
 */
export async function tearDownOwnedSandbox(core: DriverCore, state: OwnedState, sandboxId: string): Promise<readonly CniError[]> {
  const record = await state.records.read(sandboxId);
  const ctx = core.reconcileContext(state);
  if (!record) return tearDownFromCache(ctx, sandboxId);
  return (await reconcileSandbox(ctx, record, [])).errors;
}

/**
 * Tears a sandbox down; idempotent; keeps going past failures.
 *
 * @throws {AggregateError} of CniError POD_TEARDOWN_FAILED, one per failed DEL
 */
export function tearDownPod(core: DriverCore, sandboxId: string): Promise<void> {
  return core.onSandbox(sandboxId, async (state) => {
    const errors = await tearDownOwnedSandbox(core, state, sandboxId);
    if (errors.length > 0) throw new AggregateError(errors, `teardown of sandbox ${sandboxId} failed for ${errors.length} network(s)`);
  });
}
