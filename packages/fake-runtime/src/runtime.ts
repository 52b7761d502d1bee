/**
 * The fake runtime: a kubelet-like harness around the driver — an in-memory API, sandboxes
 * (network namespaces), a sync loop, and restarts on the same state dir.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createCniDriver,
  isCniError,
  type CniDriver,
  type Logger,
  type PluginExecutor,
  type PodNetworkStatus,
} from '@multinet/cni-driver';
import { createInMemoryApi, type ApiPod, type ApiPodStatus, type InMemoryApi } from './api/in-memory-api.ts';
import { createApiObjectSource } from './api/api-object-source.ts';
import { createManifestLoader, type ManifestLoader } from './api/manifest-loader.ts';
import { selectSyncActions } from './loop/sync-pods.ts';
import {
  canCreateRealNetns,
  createFakeNetnsProvider,
  createRealNetnsProvider,
  type NetnsProvider,
} from './sandbox/netns.ts';
import { createSandboxRegistry, type SandboxEntry, type SandboxRegistry } from './sandbox/sandbox-registry.ts';

/** Options of {@link createFakeRuntime}. */
export interface FakeRuntimeOptions {
  /** Absolute state dir: checkpoints, cache, sandbox registry, fake namespaces. */
  readonly stateDir: string;
  /** Absolute CNI conf dir. */
  readonly confDir: string;
  /** Absolute plugin dirs. */
  readonly pluginDirs: readonly string[];
  /** Manifest files or dirs (YAML/JSON) with pods and network objects; watched. @default none */
  readonly manifests?: readonly string[] | undefined;
  /** `real` namespaces (root + iproute2), `fake` paths, or `auto` (real when possible). @default 'auto' */
  readonly netns?: 'real' | 'fake' | 'auto' | undefined;
  /** Interval of the loop started by `start()`. @default 2000 */
  readonly intervalMs?: number | undefined;
  /** Watch the conf dir, bin dirs and manifests. @default true */
  readonly watch?: boolean | undefined;
  /** How plugins are run (e.g. a fake executor for speed). @default the driver's default */
  readonly executor?: PluginExecutor | undefined;
  /** Kubeconfig path handed to thick plugins. */
  readonly kubeconfig?: string | undefined;
  /** Bring up `lo` with the loopback plugin. @default true when the bin dirs have `loopback` */
  readonly loopback?: boolean | undefined;
  /** Timeout of each plugin call. @default 60_000 */
  readonly pluginTimeoutMs?: number | undefined;
  /** pino-compatible logger. @default silent */
  readonly logger?: Logger | undefined;
}

/** What one sync did. */
export interface SyncReport {
  readonly setUp: readonly string[];
  readonly failed: ReadonlyArray<{ readonly pod: string; readonly code: string; readonly message: string }>;
  readonly tornDown: readonly string[];
  readonly teardownFailed: ReadonlyArray<{ readonly pod: string; readonly message: string }>;
}

/** Events of the runtime; every step of the loop is one. */
export interface FakeRuntimeEvents {
  podSetUp: [pod: string, status: PodNetworkStatus];
  podSetUpFailed: [pod: string, error: { code: string; message: string }];
  podTornDown: [pod: string, sandboxId: string];
  podTearDownFailed: [pod: string, error: Error];
  syncDone: [report: SyncReport];
  syncFailed: [error: Error];
  restarted: [];
}

/** The fake runtime. */
export interface FakeRuntime extends EventEmitter<FakeRuntimeEvents> {
  /** The in-memory API (pods, network objects, status). */
  readonly api: InMemoryApi;
  /** The current driver (a new one after each restart). */
  readonly driver: CniDriver;
  /** How sandboxes get namespaces in this runtime. */
  readonly netnsMode: 'real' | 'fake';
  /** One turn of the loop. */
  syncOnce(): Promise<SyncReport>;
  /** Starts the loop on its interval (the first turn at once). */
  start(): void;
  /** Stops the loop; waits for the turn in flight. */
  stop(): Promise<void>;
  /** Drops the driver and the loop's memory; starts fresh on the same state dir. */
  restart(): Promise<void>;
  /** The status written back for a pod (`namespace/name`). */
  podStatus(ref: string): ApiPodStatus | undefined;
  /** The sandboxes the runtime holds. */
  sandboxes(): Promise<SandboxEntry[]>;
  /** Resolves on the next event of that name whose arguments pass `predicate`. */
  waitFor<K extends keyof FakeRuntimeEvents>(event: K, predicate?: (...args: FakeRuntimeEvents[K]) => boolean): Promise<FakeRuntimeEvents[K]>;
  /** Stops the loop and the driver. Leaves pods set up (like a kubelet that exits). */
  close(): Promise<void>;
}

const podName = (pod: { namespace: string; name: string }): string => `${pod.namespace}/${pod.name}`;

/**
 * Creates a fake runtime and loads its manifests. Pods are not set up until the first sync.
 *
 * @example
 * ```ts
 * const runtime = await createFakeRuntime({ stateDir, confDir, pluginDirs: [bin], netns: 'fake' });
 * runtime.api.addPod({ name: 'web', annotations: { 'alpha.network.k8s.io/networks': 'dbnet' } });
 * await runtime.syncOnce();
 * runtime.podStatus('default/web')?.podIPs;
 * ```
 */
export async function createFakeRuntime(options: FakeRuntimeOptions): Promise<FakeRuntime> {
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const api = createInMemoryApi();
  const mode = options.netns ?? 'auto';
  const real = mode === 'real' || (mode === 'auto' && (await canCreateRealNetns()));
  const netns: NetnsProvider = real ? createRealNetnsProvider() : createFakeNetnsProvider(options.stateDir);
  const registry: SandboxRegistry = await createSandboxRegistry(options.stateDir);
  const manifests: ManifestLoader | undefined = options.manifests?.length
    ? createManifestLoader({ paths: options.manifests, api, watch: options.watch ?? true, logger: options.logger })
    : undefined;
  await manifests?.sync();
  const objectSource = createApiObjectSource(api, manifests);

  const newDriver = (): CniDriver =>
    createCniDriver({
      confDir: options.confDir,
      pluginDirs: options.pluginDirs,
      stateDir: join(options.stateDir, 'driver'),
      objectSource,
      executor: options.executor,
      watch: options.watch,
      loopback: options.loopback,
      kubeconfig: options.kubeconfig,
      pluginTimeoutMs: options.pluginTimeoutMs,
      logger: options.logger,
    });

  let driver = newDriver();
  let setUp = new Set<string>();
  let recovered = false;
  let timer: NodeJS.Timeout | undefined;
  let turn: Promise<SyncReport> | undefined;
  const emitter = new EventEmitter<FakeRuntimeEvents>();

  /** After a (re)start: which of our sandboxes still have their networks set up. */
  async function recover(): Promise<void> {
    const records = await driver.listSandboxes();
    setUp = new Set(records.filter((r) => r.phase === 'ready').map((r) => r.sandboxId));
    for (const record of records) {
      if (record.phase !== 'ready') continue;
      const pod = api.listPods().find((p) => p.uid === record.pod.uid);
      if (pod) api.setPodStatus(pod.uid, { sandboxId: record.sandboxId, netns: record.netns, podIPs: record.status.podIPs, networks: record.status.networks, error: null });
    }
    recovered = true;
  }

  async function setUpSandbox(pod: ApiPod, sandbox: SandboxEntry, report: SyncReport & { setUp: string[]; failed: SyncReport['failed'][number][] }): Promise<void> {
    try {
      const status = await driver.setUpPod({
        sandboxId: sandbox.sandboxId,
        netns: sandbox.netns,
        pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid, annotations: pod.annotations, ...(pod.networks ? { networks: pod.networks } : {}) },
      });
      setUp.add(sandbox.sandboxId);
      api.setPodStatus(pod.uid, { sandboxId: sandbox.sandboxId, netns: sandbox.netns, podIPs: status.podIPs, networks: status.networks, error: null });
      report.setUp.push(podName(pod));
      emitter.emit('podSetUp', podName(pod), status);
    } catch (error) {
      const failure = isCniError(error)
        ? { code: error.code, message: error.message }
        : { code: 'POD_SETUP_FAILED', message: error instanceof Error ? error.message : String(error) };
      api.setPodStatus(pod.uid, { sandboxId: sandbox.sandboxId, netns: sandbox.netns, podIPs: [], networks: [], error: failure });
      report.failed.push({ pod: podName(pod), ...failure });
      emitter.emit('podSetUpFailed', podName(pod), failure);
    }
  }

  async function createSandbox(pod: ApiPod): Promise<SandboxEntry> {
    const sandboxId = randomBytes(32).toString('hex');
    const entry: SandboxEntry = {
      sandboxId,
      pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid },
      netns: netns.pathFor(sandboxId),
      netnsMode: netns.mode,
      createdAt: new Date().toISOString(),
    };
    // Registry first: a crash after this leaves an entry the next start removes cleanly.
    await registry.add(entry);
    await netns.create(sandboxId);
    return entry;
  }

  async function removeSandbox(sandbox: SandboxEntry, report: { tornDown: string[]; teardownFailed: SyncReport['teardownFailed'][number][] }): Promise<void> {
    const name = podName(sandbox.pod);
    try {
      await driver.tearDownPod(sandbox.sandboxId);
      await netns.remove(sandbox.sandboxId);
      await registry.remove(sandbox.sandboxId);
      setUp.delete(sandbox.sandboxId);
      report.tornDown.push(name);
      emitter.emit('podTornDown', name, sandbox.sandboxId);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      report.teardownFailed.push({ pod: name, message: err.message });
      emitter.emit('podTearDownFailed', name, err);
    }
  }

  async function runTurn(): Promise<SyncReport> {
    const report = { setUp: [] as string[], failed: [] as SyncReport['failed'][number][], tornDown: [] as string[], teardownFailed: [] as SyncReport['teardownFailed'][number][] };
    try {
      await manifests?.sync();
      await driver.sync();
      if (!recovered) await recover();
      const sandboxes = await registry.list();
      const decision = selectSyncActions(api.listPods(), sandboxes, (id) => setUp.has(id));
      await Promise.all([
        ...decision.toRemove.map((sandbox) => removeSandbox(sandbox, report)),
        ...decision.toRetry.map(({ pod, sandbox }) => setUpSandbox(pod, sandbox, report)),
        ...decision.toCreate.map(async (pod) => {
          let sandbox: SandboxEntry;
          try {
            sandbox = await createSandbox(pod);
          } catch (error) {
            const failure = { code: isCniError(error) ? error.code : 'SANDBOX_FAILED', message: error instanceof Error ? error.message : String(error) };
            report.failed.push({ pod: podName(pod), ...failure });
            emitter.emit('podSetUpFailed', podName(pod), failure);
            return;
          }
          await setUpSandbox(pod, sandbox, report);
        }),
      ]);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      emitter.emit('syncFailed', err);
      throw err;
    }
    emitter.emit('syncDone', report);
    return report;
  }

  function syncOnce(): Promise<SyncReport> {
    const next = (turn ?? Promise.resolve()).catch(() => undefined).then(runTurn);
    turn = next;
    return next;
  }

  const runtime = Object.assign(emitter, {
    api,
    netnsMode: netns.mode,
    get driver() {
      return driver;
    },
    syncOnce,
    start() {
      if (timer) return;
      const tick = (): void => {
        syncOnce().catch(() => undefined);
      };
      tick();
      timer = setInterval(tick, options.intervalMs ?? 2000);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await turn?.catch(() => undefined);
    },
    async restart() {
      await runtime.stop();
      await driver.close();
      driver = newDriver();
      setUp = new Set();
      recovered = false;
      emitter.emit('restarted');
    },
    podStatus: (ref: string) => api.getPodStatus(ref),
    sandboxes: () => registry.list(),
    waitFor<K extends keyof FakeRuntimeEvents>(event: K, predicate?: (...args: FakeRuntimeEvents[K]) => boolean): Promise<FakeRuntimeEvents[K]> {
      return new Promise((resolve) => {
        const listener = (...args: FakeRuntimeEvents[K]): void => {
          if (predicate && !predicate(...args)) return;
          emitter.off(event, listener as never);
          resolve(args);
        };
        emitter.on(event, listener as never);
      });
    },
    async close() {
      await runtime.stop();
      await driver.close();
      await manifests?.close();
    },
  });
  return runtime as FakeRuntime;
}
