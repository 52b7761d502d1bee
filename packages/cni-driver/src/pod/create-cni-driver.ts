/**
 * The driver a runtime embeds: pods on several CNI networks, crash-safe. Wiring only: each
 * operation lives in its own file.
 */
import { isCniError } from '@multinet/cni-types';
import { getStatusNetworkList } from '../chain/status-network-list.ts';
import { checkPod } from './check-pod.ts';
import type { CniDriver, CniDriverOptions, SandboxRecordSummary } from './driver-api.ts';
import { createDriverCore } from './driver-core.ts';
import { gcSandboxes } from './gc-sandboxes.ts';
import { buildPodNetworkStatus } from './pod-status.ts';
import type { PodSandbox } from './pod-types.ts';
import { reconcilePod } from './reconcile-pod.ts';
import { tracePodOperation } from './pod-tracing.ts';
import { tearDownPod } from './tear-down-pod.ts';

/**
 * Creates the driver. Nothing is read until the first call, which takes the state dir (an
 * exclusive lock held until `close()`); records already there (from before a restart) are what
 * teardown works from.
 *
 * @throws {TypeError} for a relative dir or a non-positive limit
 * @example
 * ```ts
 * const driver = createCniDriver({ confDir: '/etc/cni/net.d', pluginDirs: ['/opt/cni/bin'], stateDir: '/var/lib/multinet' });
 * const status = await driver.setUpPod({ sandboxId, netns, pod: { namespace, name, uid, annotations } });
 * await driver.tearDownPod(sandboxId); // works after a restart, from the record alone
 * ```
 */
export function createCniDriver(options: CniDriverOptions): CniDriver {
  const core = createDriverCore(options);
  const reconcile = (sandbox: PodSandbox, signal?: AbortSignal) =>
    tracePodOperation({ operation: 'reconcile', sandboxId: sandbox.sandboxId, pod: `${sandbox.pod.namespace}/${sandbox.pod.name}` }, () => reconcilePod(core, sandbox, signal));
  return {
    async sync() {
      const { changed } = await core.sync();
      return { catalog: core.catalog.snapshot, changed };
    },
    reconcilePod: (sandbox, call) => reconcile(sandbox, call?.signal),
    setUpPod: async (sandbox, call) => (await reconcile(sandbox, call?.signal)).status,
    tearDownPod: (sandboxId) => tracePodOperation({ operation: 'teardown', sandboxId, pod: undefined }, () => tearDownPod(core, sandboxId)),
    checkPod: (sandboxId, call) => tracePodOperation({ operation: 'check', sandboxId, pod: undefined }, () => checkPod(core, sandboxId, call?.signal)),
    async podStatus(sandboxId) {
      const record = await (await core.own()).records.read(sandboxId);
      return record?.phase === 'ready' ? buildPodNetworkStatus(record, core.backoff.list(sandboxId)) : undefined;
    },
    async listSandboxes() {
      const { records } = await (await core.own()).records.list();
      return records.map(
        (record): SandboxRecordSummary => ({
          sandboxId: record.sandboxId,
          netns: record.netns,
          pod: record.pod,
          phase: record.phase,
          status: buildPodNetworkStatus(record),
          pendingDeletes: record.attachments
            .filter((a) => a.state === 'del-failed')
            .map((a) => ({ ifName: a.ifName, network: a.network, attempts: a.delAttempts, error: a.error as SandboxRecordSummary['pendingDeletes'][number]['error'] })),
        }),
      );
    },
    gc: (validSandboxIds, call) => tracePodOperation({ operation: 'gc', sandboxId: undefined, pod: undefined }, () => gcSandboxes(core, validSandboxIds, call?.signal)),
    async status(call) {
      await core.sync();
      const problems = core.catalog.snapshot.problems;
      const network = core.catalog.snapshot.defaultNetwork;
      if (!network) return { ready: false, error: { code: 'NO_DEFAULT_NETWORK', message: `no valid network config in ${core.confDir}` }, problems };
      try {
        const { chain } = await core.own();
        await getStatusNetworkList(call?.signal ? { ...chain, signal: AbortSignal.any([call.signal, ...(chain.signal ? [chain.signal] : [])]) } : chain, network.list);
        return { ready: true, problems };
      } catch (error) {
        const summary = isCniError(error) ? { code: error.code, message: error.message } : { code: 'PLUGIN_FAILED' as const, message: String(error) };
        return { ready: false, error: summary, problems };
      }
    },
    close: (closeOptions) => core.close(closeOptions),
  };
}

/**
 * Creates the driver and takes its state dir at once, so that a second owner is found here
 * rather than at the first pod.
 *
 * @throws {CniError} STATE_DIR_LOCKED (another live process owns the dir), STATE_DIR_LOCK_FAILED
 * @throws {TypeError} for a relative dir or a non-positive limit
 */
export async function openCniDriver(options: CniDriverOptions): Promise<CniDriver> {
  const driver = createCniDriver(options);
  try {
    await driver.listSandboxes();
  } catch (error) {
    await driver.close();
    throw error;
  }
  return driver;
}
