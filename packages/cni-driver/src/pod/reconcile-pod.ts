/**
 * Reconciling one pod sandbox: plan what the pod asks for now, then bring the sandbox there.
 */
import { CniError } from '@multinet/cni-types';
import { reconcileSandbox } from '../attach/reconcile-sandbox.ts';
import { buildPodPlan } from '../plan/build-pod-plan.ts';
import type { DriverCore } from './driver-core.ts';
import { buildPodNetworkStatus } from './pod-status.ts';
import type { PodSandbox, ReconcileReport } from './pod-types.ts';

/**
 * Plans the sandbox's attachments from the pod as it is now (existing interfaces keep their
 * names) and reconciles the sandbox to them.
 *
 * @throws {CniError} the planning codes (nothing runs then), POD_SETUP_FAILED, RECORD_WRITE_FAILED
 */
export function reconcilePod(core: DriverCore, sandbox: PodSandbox, signal?: AbortSignal): Promise<ReconcileReport> {
  return core.onSandbox(sandbox.sandboxId, async (state) => {
    const existing = await state.records.read(sandbox.sandboxId);
    const running = existing?.phase === 'ready' ? existing : undefined;
    await core.sync();
    const plan = await buildPodPlan({
      sandbox,
      catalog: core.catalog.snapshot,
      objects: core.objects,
      negotiate: (type, path) => state.negotiator.negotiate(type, path),
      loopback: core.loopback,
      kubeconfig: core.kubeconfig,
      existing: running?.attachments,
    });
    const networks = plan.attachments.filter((a) => a.source !== 'loopback').length;
    if (networks > core.maxNetworksPerPod) {
      throw new CniError('SELECTION_INVALID', `pod ${sandbox.pod.namespace}/${sandbox.pod.name} asks for ${networks} networks, over the limit of ${core.maxNetworksPerPod}`, {
        pod: `${sandbox.pod.namespace}/${sandbox.pod.name}`,
      });
    }
    const selection = plan.format ? { format: plan.format, ignored: [...(plan.ignoredFormats ?? [])] } : undefined;
    const outcome = await reconcileSandbox(core.reconcileContext(state, signal), { ...sandbox, selection }, plan.attachments);
    // A non-empty plan always leaves a record (a failed first setup throws instead).
    const record = outcome.record!;
    const defaultOf = (attachments: typeof record.attachments): string | undefined =>
      attachments.find((a) => a.isDefault && a.state === 'added')?.network;
    const before = running ? defaultOf(running.attachments) : undefined;
    const after = defaultOf(record.attachments);
    for (const error of outcome.errors) core.logger.warn({ err: error, sandboxId: sandbox.sandboxId }, 'DEL failed; kept for a retry');
    return {
      status: buildPodNetworkStatus(record, core.backoff.list(sandbox.sandboxId)),
      added: outcome.added,
      removed: outcome.removed,
      repaired: outcome.repaired,
      failed: outcome.failed,
      ...(running && after !== undefined && before !== after ? { defaultSwitched: { from: before, to: after } } : {}),
    };
  });
}
