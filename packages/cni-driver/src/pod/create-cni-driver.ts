/**
 * The driver a runtime embeds: pods on several CNI networks, crash-safe.
 */
import { join } from 'node:path';
import { createCheckpointStore, isCheckpointError, type CheckpointStore } from '@multinet/checkpoint';
import {
  CniError,
  isCniError,
  isCniVersionAtLeast,
  parseNetworkConfigList,
  parsePodRecord,
  POD_RECORD_KIND,
  POD_RECORD_VERSION,
  type PodRecord,
} from '@multinet/cni-types';
import { checkNetworkList } from '../chain/check-network-list.ts';
import type { ChainContext } from '../chain/chain-context.ts';
import { gcNetworkList } from '../chain/gc-network-list.ts';
import { getStatusNetworkList } from '../chain/status-network-list.ts';
import { createCatalog } from '../config/catalog.ts';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import { INVOKE_DEFAULTS } from '../invoke/invoke-plugin.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { validateAbsolutePath, validatePositiveNumber } from '../internal/options.ts';
import { buildPodPlan } from '../plan/build-pod-plan.ts';
import { createVersionNegotiator } from '../version/version-negotiator.ts';
import { createKeyedMutex, createReadWriteLock, createSemaphore } from './concurrency.ts';
import type { CniDriver, CniDriverOptions, GcReport, SandboxRecordSummary } from './driver-api.ts';
import { deleteRecordedAttachments, setUpPlannedPod, tearDownFromCache, type LifecycleContext } from './pod-lifecycle.ts';
import { buildPodNetworkStatus } from './pod-status.ts';

/**
 * Creates the driver. Nothing is read until the first call; records already in `stateDir`
 * (from before a restart) are what teardown works from.
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
  validateAbsolutePath('stateDir', options.stateDir);
  const cacheDir = options.cacheDir ?? join(options.stateDir, 'cache');
  validateAbsolutePath('cacheDir', cacheDir);
  const pluginDirs = [...(options.pluginDirs ?? ['/opt/cni/bin'])];
  const timeoutMs = options.pluginTimeoutMs ?? INVOKE_DEFAULTS.timeoutMs;
  const maxConcurrentPods = options.maxConcurrentPods ?? 8;
  validatePositiveNumber('pluginTimeoutMs', timeoutMs);
  validatePositiveNumber('maxConcurrentPods', maxConcurrentPods);
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'cni-driver' });
  const ownsExecutor = options.executor === undefined;
  const executor = options.executor ?? createExecaExecutor();
  const catalog = createCatalog({ confDir: options.confDir, pluginDirs, watch: options.watch, logger });
  const objects = options.objectSource;
  const negotiator = createVersionNegotiator({ executor, pluginDirs, timeoutMs });
  const chain: ChainContext = {
    executor,
    pluginDirs,
    cacheDir,
    timeoutMs,
    killGraceMs: INVOKE_DEFAULTS.killGraceMs,
    maxOutputBytes: INVOKE_DEFAULTS.maxOutputBytes,
    baseEnv: { ...process.env },
    logger,
    // The pod record is the durable truth; the libcni-format cache beside it only needs atomicity.
    cacheFsync: false,
  };
  const sandboxLock = createKeyedMutex();
  const podSlots = createSemaphore(maxConcurrentPods);
  const gcLock = createReadWriteLock();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  let recordsPromise: Promise<CheckpointStore<PodRecord>> | undefined;
  const openRecords = async (): Promise<CheckpointStore<PodRecord>> => {
    const store = await createCheckpointStore({
      dir: join(options.stateDir, 'pods'),
      kind: POD_RECORD_KIND,
      version: POD_RECORD_VERSION,
      parse: parsePodRecord,
      onProblem: (problem) => logger.warn({ err: problem }, 'quarantined an unusable pod record'),
    });
    // A record that cannot be written is a driver failure the caller acts on: give it our code.
    const wrap = (action: string, key: string) => (error: unknown): never => {
      throw new CniError('RECORD_WRITE_FAILED', `cannot ${action} the pod record of sandbox ${key}: ${(error as Error).message}`, { containerId: key }, { cause: error });
    };
    return {
      ...store,
      write: (key, value) => store.write(key, value).catch(wrap('write', key)),
      remove: (key) => store.remove(key).catch(wrap('remove', key)),
    };
  };
  const records = (): Promise<CheckpointStore<PodRecord>> => (recordsPromise ??= openRecords());

  const lifecycle = async (signal?: AbortSignal): Promise<LifecycleContext> => ({
    chain: signal ? { ...chain, signal } : chain,
    cleanup: chain,
    records: await records(),
    logger,
    now: () => new Date().toISOString(),
  });

  /** Reads a record; a corrupt one has been quarantined by the store and counts as absent. */
  async function readRecord(sandboxId: string): Promise<PodRecord | undefined> {
    try {
      return await (await records()).read(sandboxId);
    } catch (error) {
      if (isCheckpointError(error)) return undefined;
      throw error;
    }
  }

  function track<T>(operation: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new CniError('DRIVER_CLOSED', 'the driver is closed'));
    const running = operation();
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running)).catch(() => undefined);
    return running;
  }

  const onSandbox = <T>(sandboxId: string, task: () => Promise<T>): Promise<T> =>
    track(() => gcLock.shared(() => podSlots.run(() => sandboxLock.run(sandboxId, task))));

  async function tearDown(sandboxId: string): Promise<void> {
    const record = await readRecord(sandboxId);
    const ctx = await lifecycle();
    const errors = record ? await deleteRecordedAttachments(ctx, record) : await tearDownFromCache(ctx, sandboxId);
    if (errors.length > 0) throw new AggregateError(errors, `teardown of sandbox ${sandboxId} failed for ${errors.length} network(s)`);
  }

  async function sync(): Promise<{ changed: boolean }> {
    const before = catalog.snapshot.generation;
    const snapshot = await catalog.sync();
    const objectsChanged = objects ? await objects.sync() : false;
    return { changed: snapshot.generation !== before || objectsChanged };
  }

  const driver: CniDriver = {
    async sync() {
      const { changed } = await sync();
      return { catalog: catalog.snapshot, changed };
    },

    setUpPod(sandbox, call) {
      return onSandbox(sandbox.sandboxId, async () => {
        const existing = await readRecord(sandbox.sandboxId);
        if (existing?.phase === 'ready') return buildPodNetworkStatus(existing);
        const ctx = await lifecycle(call?.signal);
        // An interrupted setup or teardown (a crash) is finished before starting over.
        if (existing) {
          const errors = await deleteRecordedAttachments(ctx, existing);
          if (errors.length > 0) throw new AggregateError(errors, `sandbox ${sandbox.sandboxId} still has attachments whose DEL fails`);
        }
        await sync();
        const plan = await buildPodPlan({
          sandbox,
          catalog: catalog.snapshot,
          objects,
          negotiate: (type, path) => negotiator.negotiate(type, path),
          loopback: options.loopback ?? true,
          kubeconfig: options.kubeconfig,
        });
        return buildPodNetworkStatus(await setUpPlannedPod(ctx, plan));
      });
    },

    tearDownPod(sandboxId) {
      return onSandbox(sandboxId, () => tearDown(sandboxId));
    },

    checkPod(sandboxId, call) {
      return onSandbox(sandboxId, async () => {
        const record = await readRecord(sandboxId);
        if (!record) throw new CniError('UNKNOWN_CONTAINER', `no record of sandbox ${sandboxId}`, { containerId: sandboxId });
        const ctx = call?.signal ? { ...chain, signal: call.signal } : chain;
        for (const attachment of record.attachments) {
          if (attachment.state !== 'added' || !isCniVersionAtLeast(attachment.cniVersion, '0.4.0')) continue;
          await checkNetworkList(ctx, parseNetworkConfigList(attachment.configText), {
            containerId: sandboxId,
            netns: record.netns,
            ifName: attachment.ifName,
            args: attachment.cniArgs,
            capabilityArgs: attachment.capabilityArgs,
          });
        }
      });
    },

    async podStatus(sandboxId) {
      const record = await readRecord(sandboxId);
      return record?.phase === 'ready' ? buildPodNetworkStatus(record) : undefined;
    },

    async listSandboxes() {
      const { records: all } = await (await records()).list();
      return all.map(({ value }): SandboxRecordSummary => ({
        sandboxId: value.sandboxId,
        netns: value.netns,
        pod: value.pod,
        phase: value.phase,
        status: buildPodNetworkStatus(value),
        pendingDeletes: value.attachments
          .filter((a) => a.state === 'del-failed')
          .map((a) => ({ ifName: a.ifName, network: a.network, attempts: a.delAttempts, error: a.error as SandboxRecordSummary['pendingDeletes'][number]['error'] })),
      }));
    },

    gc(validSandboxIds, call) {
      const valid = new Set(validSandboxIds);
      return track(() =>
        gcLock.exclusive(async (): Promise<GcReport> => {
          const errors: Error[] = [];
          const tornDown: string[] = [];
          const store = await records();
          const { records: all, problems } = await store.list();
          errors.push(...problems);
          for (const { value } of all) {
            if (valid.has(value.sandboxId) && value.phase === 'ready') continue;
            try {
              await tearDown(value.sandboxId);
              if (!valid.has(value.sandboxId)) tornDown.push(value.sandboxId);
            } catch (error) {
              errors.push(...(error instanceof AggregateError ? (error.errors as Error[]) : [error as Error]));
            }
          }
          const remaining = (await store.list()).records.map((r) => r.value);
          await sync();
          const ctx = call?.signal ? { ...chain, signal: call.signal } : chain;
          for (const network of catalog.snapshot.networks.values()) {
            const validAttachments = remaining.flatMap((r) =>
              r.attachments.filter((a) => a.networkName === network.name).map((a) => ({ containerId: r.sandboxId, ifName: a.ifName })),
            );
            try {
              await gcNetworkList(ctx, network.list, { validAttachments });
            } catch (error) {
              errors.push(...(error instanceof AggregateError ? (error.errors as Error[]) : [error as Error]));
            }
          }
          return { tornDown, errors };
        }),
      );
    },

    async status(call) {
      await sync();
      const problems = catalog.snapshot.problems;
      const network = catalog.snapshot.defaultNetwork;
      if (!network) {
        return { ready: false, error: { code: 'NO_DEFAULT_NETWORK', message: `no valid network config in ${options.confDir ?? '/etc/cni/net.d'}` }, problems };
      }
      try {
        await getStatusNetworkList(call?.signal ? { ...chain, signal: call.signal } : chain, network.list);
        return { ready: true, problems };
      } catch (error) {
        const summary = isCniError(error) ? { code: error.code, message: error.message } : { code: 'PLUGIN_FAILED' as const, message: String(error) };
        return { ready: false, error: summary, problems };
      }
    },

    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
      await catalog.close();
      if (ownsExecutor) await executor.close?.();
    },
  };
  return driver;
}
