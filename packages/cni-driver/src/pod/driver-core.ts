/**
 * What every driver operation shares: the options normalized once, one chain layer (`CniConfig`)
 * for ADD, DEL, CHECK, GC, STATUS and VERSION alike, the catalog and objects, the state dir (its
 * lock, records and retry book), and the concurrency rules.
 */
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { removeInterruptedWrites } from '@multinet/checkpoint';
import { CniError, parseResult } from '@multinet/cni-types';
import { openRecordBook, type RecordBook } from '../attach/record-book.ts';
import type { ReconcileContext } from '../attach/reconcile-sandbox.ts';
import { createIpRouteEditor } from '../attach/route-editor.ts';
import { createRetryBackoff, type RetryBackoff } from '../attach/retry-backoff.ts';
import type { ChainContext } from '../chain/chain-context.ts';
import { createCniConfig, type CniConfig } from '../chain/cni-config.ts';
import { createCatalog, type Catalog } from '../config/catalog.ts';
import { acquireStateDirLock, type StateDirLock } from '../fence/state-dir-lock.ts';
import { validateStateDirs } from '../fence/state-dir-safety.ts';
import { createNodeSpawnerExecutor } from '../invoke/node-spawner-executor.ts';
import { INVOKE_DEFAULTS } from '../invoke/invoke-plugin.ts';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import { wrapLogger, type Logger } from '../internal/logger.ts';
import { validateAbsolutePath, validatePositiveNumber, validateTimerMs } from '../internal/options.ts';
import type { ObjectSource } from '../objects/object-source.ts';
import { createVersionNegotiator, type VersionNegotiator } from '../version/version-negotiator.ts';
import { createKeyedMutex, createReadWriteLock, createSemaphore } from './concurrency.ts';
import type { CniDriverOptions } from './driver-api.ts';

/** The state dir, once owned. */
export interface OwnedState {
  readonly lock: StateDirLock;
  readonly records: RecordBook;
  /** The chain context of this owner: plugins inherit the lock. */
  readonly chain: ChainContext;
  readonly negotiator: VersionNegotiator;
}

/** The driver's shared parts. */
export interface DriverCore {
  readonly confDir: string;
  readonly stateDir: string;
  readonly loopback: boolean;
  readonly kubeconfig: string | undefined;
  /** Networks one pod may ask for. */
  readonly maxNetworksPerPod: number;
  readonly cni: CniConfig;
  readonly catalog: Catalog;
  readonly objects: ObjectSource | undefined;
  readonly backoff: RetryBackoff;
  /** Sandboxes verified against the kernel (or made) by this driver. */
  readonly verified: Set<string>;
  readonly logger: Logger;
  /** Takes the state dir (lock, records) on first use; every operation awaits it. */
  own(): Promise<OwnedState>;
  /** The reconcile context for one call. */
  reconcileContext(state: OwnedState, signal?: AbortSignal): ReconcileContext;
  /** Reloads what changed in the conf dir, bin dirs and objects. */
  sync(): Promise<{ changed: boolean }>;
  /** Runs an operation on one sandbox: serialized per sandbox, bounded across sandboxes, shared with GC. */
  onSandbox<T>(sandboxId: string, task: (state: OwnedState) => Promise<T>): Promise<T>;
  /** Runs an operation exclusive of every sandbox operation (GC). */
  exclusive<T>(task: (state: OwnedState) => Promise<T>): Promise<T>;
  /**
   * Waits for operations in flight (or, with `abort`, kills their plugin calls first: each step
   * is recorded before it starts, so the next owner finishes it), then releases the state dir,
   * watchers and owned helpers.
   */
  close(options?: { readonly abort?: boolean | undefined }): Promise<void>;
}

/**
 * Normalizes the options and wires the shared parts. Reads nothing until `own()`.
 *
 * @throws {TypeError} for a relative dir or a non-positive limit
 */
export function createDriverCore(options: CniDriverOptions): DriverCore {
  validateAbsolutePath('stateDir', options.stateDir);
  const cacheDir = options.cacheDir ?? join(options.stateDir, 'cache');
  validateAbsolutePath('cacheDir', cacheDir);
  const confDir = options.confDir ?? '/etc/cni/net.d';
  const pluginDirs = [...(options.pluginDirs ?? ['/opt/cni/bin'])];
  const timeoutMs = options.pluginTimeoutMs ?? INVOKE_DEFAULTS.timeoutMs;
  const maxConcurrentPods = options.maxConcurrentPods ?? 8;
  validateTimerMs('pluginTimeoutMs', timeoutMs);
  validatePositiveNumber('maxConcurrentPods', maxConcurrentPods);
  if (options.lockWaitMs !== undefined && (!Number.isFinite(options.lockWaitMs) || options.lockWaitMs < 0)) {
    throw new TypeError(`Expected \`lockWaitMs\` to be a non-negative number, got \`${JSON.stringify(options.lockWaitMs)}\``);
  }
  if (options.durability !== undefined && options.durability !== 'power-loss' && options.durability !== 'process-crash') {
    throw new TypeError(`Expected \`durability\` to be "power-loss" or "process-crash", got \`${JSON.stringify(options.durability)}\``);
  }
  // Any pino-compatible logger, or `console`.
  const logger = wrapLogger(options.logger).child({ component: 'cni-driver' });
  const ownsExecutor = options.executor === undefined;
  const executor: PluginExecutor = options.executor ?? createNodeSpawnerExecutor();
  // One invoker value for every verb, VERSION included: same executor, dirs, limits, env snapshot.
  const cni = createCniConfig({ pluginDirs, cacheDir, executor, timeoutMs, killGraceMs: options.killGraceMs, logger });
  const catalog = createCatalog({ confDir: options.confDir, pluginDirs, watch: options.watch, logger, maxConfBytes: options.maxConfBytes });
  const maxNetworksPerPod = options.maxNetworksPerPod ?? 64;
  validatePositiveNumber('maxNetworksPerPod', maxNetworksPerPod);
  const sandboxLock = createKeyedMutex();
  const podSlots = createSemaphore(maxConcurrentPods);
  const gcLock = createReadWriteLock();
  const inFlight = new Set<Promise<unknown>>();
  const backoff = createRetryBackoff(options.retryBackoff);
  // Aborted by close({ abort: true }): every plugin call of this driver is killed.
  const closing = new AbortController();
  // Every plugin call in flight listens on it (up to two per pod at once, one of them held): more
  // than Node's default warning threshold of 10 is no leak (each call removes its own listener).
  setMaxListeners(0, closing.signal);
  let closed = false;
  let closingDone: Promise<void> | undefined;

  let owned: Promise<OwnedState> | undefined;
  const takeOwnership = async (): Promise<OwnedState> => {
    const dirs = [options.stateDir, join(options.stateDir, 'pods'), join(options.stateDir, 'records'), cacheDir, join(cacheDir, 'results')];
    await validateStateDirs(dirs);
    const lock = await acquireStateDirLock(options.stateDir, { waitMs: options.lockWaitMs, orphanGraceMs: options.killGraceMs });
    try {
      if (lock.killedOrphans.length > 0) logger.warn({ pids: lock.killedOrphans }, 'killed plugins a dead owner of the state dir left running');
      const records = await openRecordBook(options.stateDir, logger, { durability: options.durability });
      // The pod driver's record is the durable truth: DEL takes the ADD result from it, and the
      // libcni-format cache is written (atomically, without fsync) only when asked for.
      const readKnownResult: ChainContext['readKnownResult'] = async (list, rt) => {
        const attachment = (await records.read(rt.containerId))?.attachments.find((a) => a.ifName === rt.ifName && a.networkName === list.name);
        if (!attachment) return undefined;
        if (attachment.result === undefined) return { prevResult: undefined };
        try {
          return { prevResult: parseResult(attachment.result, { cniVersion: list.cniVersion, source: 'the pod record' }) };
        } catch (error) {
          logger.warn({ network: list.name, ifName: rt.ifName, err: error }, 'DEL goes on without the unusable result of the pod record');
          return { prevResult: undefined };
        }
      };
      // The catalog has listed (and stat'ed) the plugin dirs: a plugin it knows needs no lookup.
      const knownPluginPath = (type: string): string | undefined => catalog.snapshot.plugins.get(type)?.path;
      const chain: ChainContext = { ...cni.context, knownPluginPath, cacheFsync: false, writeResultCache: options.libcniCache ?? false, readKnownResult, fenceFd: lock.fd, signal: closing.signal };
      const removed = [
        ...(await removeInterruptedWrites(options.stateDir)),
        ...(await removeInterruptedWrites(join(cacheDir, 'results'))),
      ];
      if (removed.length > 0) logger.info({ files: removed }, 'removed temp files of interrupted writes');
      return { lock, records, chain, negotiator: createVersionNegotiator({ context: chain }) };
    } catch (error) {
      lock.release();
      throw error;
    }
  };
  const own = (): Promise<OwnedState> => {
    if (owned) return owned;
    const attempt = takeOwnership();
    owned = attempt;
    // A failed attempt (the dir is locked) may be retried by the next call.
    attempt.catch(() => {
      if (owned === attempt) owned = undefined;
    });
    return attempt;
  };
  const verified = new Set<string>();

  function track<T>(operation: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new CniError('DRIVER_CLOSED', 'the driver is closed'));
    const running = operation();
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running)).catch(() => undefined);
    return running;
  }

  /** The one close: waits for operations in flight, then lets go of everything. */
  async function finishClose(): Promise<void> {
    await Promise.allSettled([...inFlight]);
    await catalog.close();
    const state = owned ? await owned.catch(() => undefined) : undefined;
    if (state) await executor.releaseFence?.(state.lock.fd);
    await state?.records.close();
    if (ownsExecutor) await executor.close?.();
    state?.lock.release();
  }

  const objects = options.objectSource;
  const routes = options.defaultRouteEditor ?? createIpRouteEditor();
  return {
    confDir,
    stateDir: options.stateDir,
    loopback: options.loopback ?? true,
    kubeconfig: options.kubeconfig,
    maxNetworksPerPod,
    cni,
    catalog,
    objects,
    backoff,
    verified,
    logger,
    own,
    reconcileContext(state, signal) {
      return {
        chain: signal ? { ...state.chain, signal: AbortSignal.any([signal, closing.signal]) } : state.chain,
        cleanup: state.chain,
        records: state.records,
        backoff,
        verified,
        logger,
        now: () => new Date(),
        routes,
        prestartPlugins: options.prestartPlugins ?? true,
      };
    },
    async sync() {
      const before = catalog.snapshot.generation;
      const snapshot = await catalog.sync();
      const objectsChanged = objects ? await objects.sync() : false;
      return { changed: snapshot.generation !== before || objectsChanged };
    },
    onSandbox(sandboxId, task) {
      return track(() => gcLock.shared(() => podSlots.run(() => sandboxLock.run(sandboxId, async () => task(await own())))));
    },
    exclusive(task) {
      return track(() => gcLock.exclusive(async () => task(await own())));
    },
    close(closeOptions) {
      if (closeOptions?.abort) closing.abort();
      closed = true;
      closingDone ??= finishClose();
      return closingDone;
    },
  };
}
