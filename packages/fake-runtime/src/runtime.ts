/**
 * The fake runtime: a kubelet-like harness around the driver — an in-memory API, sandboxes
 * (network namespaces), a sync loop, and restarts on the same state dir.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createNodeSpawnerExecutor,
  openCniDriver,
  type AttachmentFailure,
  type AttachmentRef,
  type CniDriver,
  type Logger,
  type ObjectProblem,
  type PluginExecutor,
  type PodNetworkStatus,
  type ReconcileReport,
} from '@multinet/cni-driver';
import { createInMemoryApi, type ApiPod, type ApiPodStatus, type InMemoryApi } from './api/in-memory-api.ts';
import { createApiObjectSource } from './api/api-object-source.ts';
import { buildPodStatusExtras } from './api/pod-status-extras.ts';
import { createManifestLoader, type ManifestLoader } from './api/manifest-loader.ts';
import { selectSyncActions } from './loop/sync-pods.ts';
import { buildPodFailure } from './loop/pod-failure.ts';
import {
  canCreateRealNetns,
  createFakeNetnsProvider,
  createRealNetnsProvider,
  DEFAULT_NETNS_PREFIX,
  validateNetnsPrefix,
  type NetnsProvider,
} from './sandbox/netns.ts';
import { createSandboxRegistry, type SandboxEntry, type SandboxRegistry } from './sandbox/sandbox-registry.ts';
import { FAKE_RUNTIME_ERROR_CODES, FakeRuntimeError } from './errors.ts';
import { createFaultCounter, validateFaultPlan, type FaultPlan, type InjectedFault } from './faults/fault-plan.ts';
import { createFaultExecutor } from './faults/fault-executor.ts';
import { closeDescriptors, createDriverLife, gateMethods, listLockDescriptors, type DriverLife } from './faults/driver-life.ts';

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
  /** Timeout of each plugin call; a call still running is killed with its process group (`PLUGIN_TIMEOUT`). @default 60_000 */
  readonly pluginTimeoutMs?: number | undefined;
  /** Time between SIGTERM and SIGKILL of a timed-out or aborted plugin's process group. @default 2_000 */
  readonly killGraceMs?: number | undefined;
  /**
   * A manifest file larger than this is skipped unread, as a `MANIFEST_TOO_LARGE` problem (see
   * {@link FakeRuntime.manifestProblems}); the other files still load. @default 1 MiB
   */
  readonly maxManifestBytes?: number | undefined;
  /** pino-compatible logger. @default silent */
  readonly logger?: Logger | undefined;
  /**
   * Prefix of the sandbox namespace names (`<prefix><12 hex>`), so that a test suite's
   * namespaces are its own: 1–32 letters, digits or `-`. @default 'multinet-sb-'
   */
  readonly netnsPrefix?: string | undefined;
  /**
   * Faults to inject, deterministically: a network's plugin failing, hanging or killed on its
   * Nth ADD/DEL/CHECK (or with a seeded probability), and a crash point. @default none
   */
  readonly faults?: FaultPlan | undefined;
}

/** Options of {@link FakeRuntime.waitFor}. */
export interface WaitForOptions {
  /** Reject with `WAIT_TIMEOUT` when no matching event came within this time. @default no limit */
  readonly timeoutMs?: number | undefined;
  /** Reject with `WAIT_ABORTED` when aborted. */
  readonly signal?: AbortSignal | undefined;
}

/** What one sync did. */
export interface SyncReport {
  /** Pods whose networks were set up (first setup, or made ready again) in this turn. */
  readonly setUp: readonly string[];
  /** Pods whose setup failed (or that still lack a wanted attachment). */
  readonly failed: ReadonlyArray<{ readonly pod: string; readonly code: string; readonly message: string }>;
  /** Pods whose running sandbox changed: attachments added, removed or repaired. */
  readonly changed: ReadonlyArray<{ readonly pod: string; readonly added: readonly AttachmentRef[]; readonly removed: readonly AttachmentRef[]; readonly repaired: readonly AttachmentRef[] }>;
  readonly tornDown: readonly string[];
  readonly teardownFailed: ReadonlyArray<{ readonly pod: string; readonly message: string }>;
}

/** Events of the runtime; every step of the loop is one. */
export interface FakeRuntimeEvents {
  podSetUp: [pod: string, status: PodNetworkStatus];
  podSetUpFailed: [pod: string, error: { code: string; message: string; causeCode?: string | undefined }];
  /** An attachment was made on a pod's sandbox (first setup included). */
  attachmentAdded: [pod: string, attachment: AttachmentRef];
  /** An attachment was taken away (no longer wanted, or an interrupted step finished). */
  attachmentRemoved: [pod: string, attachment: AttachmentRef];
  /** A wanted attachment could not be made; retried with backoff. */
  attachmentFailed: [pod: string, failure: AttachmentFailure];
  /** A recovered attachment was found broken and made again. */
  attachmentRepaired: [pod: string, attachment: AttachmentRef];
  /** The pod's default network changed; its pod IPs moved with it. */
  defaultNetworkSwitched: [pod: string, change: { readonly from: string | undefined; readonly to: string }];
  podTornDown: [pod: string, sandboxId: string];
  podTearDownFailed: [pod: string, error: Error];
  syncDone: [report: SyncReport];
  syncFailed: [error: Error];
  restarted: [];
  /** A fault of the plan hit a plugin call. */
  faultInjected: [fault: InjectedFault];
  /** The runtime crashed (its crash point, or `crash()`); `restart()` brings up a new driver. */
  crashed: [error: FakeRuntimeError];
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
  /**
   * What the last manifest load skipped, one entry per bad document or file (each names its file):
   * `MANIFEST_INVALID` (unparsable YAML, a YAML alias bomb, a `List` with bad `items`, an invalid
   * object) or `MANIFEST_TOO_LARGE`. Everything else in the manifests loads as usual.
   */
  manifestProblems(): readonly ObjectProblem[];
  /**
   * Resolves on the next event of that name whose arguments pass `predicate`.
   *
   * @throws {FakeRuntimeError} WAIT_TIMEOUT (after `timeoutMs`), WAIT_ABORTED (its `signal`)
   */
  waitFor<K extends keyof FakeRuntimeEvents>(event: K, predicate?: (...args: FakeRuntimeEvents[K]) => boolean, options?: WaitForOptions): Promise<FakeRuntimeEvents[K]>;
  /**
   * Crashes the runtime now, as a kubelet killed mid-turn: the turn in flight stops where it is
   * (its `syncOnce()` rejects with `RUNTIME_CRASHED`), no driver or plugin result is delivered any
   * more, plugins in flight are killed, the driver is dropped without `close()` and its state-dir
   * lock freed. `restart()` then starts a new driver on the same state dir; `close()` ends it all.
   */
  crash(): void;
  /** True between a crash and the next `restart()`. */
  readonly crashed: boolean;
  /**
   * Stops the loop and the driver. Leaves pods set up (like a kubelet that exits). With `abort`,
   * plugin calls in flight are killed at once (each step is recorded; the next start finishes it).
   */
  close(options?: { readonly abort?: boolean | undefined }): Promise<void>;
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
  const netnsPrefix = options.netnsPrefix ?? DEFAULT_NETNS_PREFIX;
  validateNetnsPrefix(netnsPrefix);
  if (options.faults) validateFaultPlan(options.faults);
  await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const api = createInMemoryApi();
  const mode = options.netns ?? 'auto';
  const real = mode === 'real' || (mode === 'auto' && (await canCreateRealNetns()));
  // Every step of the loop that can outlive a crash goes through the current life's gate.
  let life: DriverLife = createDriverLife();
  const currentLife = (): DriverLife => life;
  const netns: NetnsProvider = gateMethods(real ? createRealNetnsProvider(netnsPrefix) : createFakeNetnsProvider(options.stateDir, netnsPrefix), currentLife, ['nameFor', 'pathFor']);
  const registry: SandboxRegistry = gateMethods(await createSandboxRegistry(options.stateDir), currentLife);
  const loader: ManifestLoader | undefined = options.manifests?.length
    ? createManifestLoader({ paths: options.manifests, api, watch: options.watch ?? true, maxManifestBytes: options.maxManifestBytes, logger: options.logger })
    : undefined;
  await loader?.sync();
  const manifests = loader ? gateMethods(loader, currentLife, ['close']) : undefined;
  const objectSource = createApiObjectSource(api);

  // The plugin path is the real one; the decorator only adds the plan's faults and the crash.
  // The library's default executor: its helper kills the plugins it started when this process dies,
  // SIGKILL included (execa's detached plugins would outlive it).
  const baseExecutor: PluginExecutor = options.executor ?? createNodeSpawnerExecutor();
  const faultExecutor = createFaultExecutor(baseExecutor, options.faults ? createFaultCounter(options.faults) : undefined, {
    onFault: (fault) => emitter.emit('faultInjected', fault),
    onCrash: (fault) => crashNow(fault),
  });
  const lockPath = join(options.stateDir, 'driver', 'lock');
  let crashError: FakeRuntimeError | undefined;
  let crashCleanup: Promise<void> | undefined;
  let rejectOnCrash: (error: FakeRuntimeError) => void = () => undefined;
  let crashSignal: Promise<never> = new Promise<never>((_, reject) => (rejectOnCrash = reject));
  crashSignal.catch(() => undefined);

  const newDriver = async (): Promise<CniDriver> => {
    const own = life;
    const opened = await openCniDriver({
      confDir: options.confDir,
      pluginDirs: options.pluginDirs,
      stateDir: join(options.stateDir, 'driver'),
      objectSource,
      executor: faultExecutor.executorFor(own),
      watch: options.watch,
      loopback: options.loopback,
      kubeconfig: options.kubeconfig,
      pluginTimeoutMs: options.pluginTimeoutMs,
      killGraceMs: options.killGraceMs,
      logger: options.logger,
    });
    return gateMethods(opened, () => own, ['close']);
  };

  let driver: CniDriver;
  try {
    driver = await newDriver();
  } catch (error) {
    await manifests?.close();
    if (!options.executor) await baseExecutor.close?.();
    throw error;
  }
  /** Sandboxes this runtime instance has seen ready (a first success emits podSetUp). */
  let ready = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let turn: Promise<SyncReport> | undefined;
  const emitter = new EventEmitter<FakeRuntimeEvents>();

  type TurnReport = { setUp: string[]; failed: SyncReport['failed'][number][]; changed: SyncReport['changed'][number][]; tornDown: string[]; teardownFailed: SyncReport['teardownFailed'][number][] };

  function emitChanges(name: string, result: ReconcileReport): void {
    for (const ref of result.removed) emitter.emit('attachmentRemoved', name, ref);
    for (const ref of result.repaired) emitter.emit('attachmentRepaired', name, ref);
    for (const ref of result.added) emitter.emit('attachmentAdded', name, ref);
    for (const failure of result.failed) emitter.emit('attachmentFailed', name, failure);
    if (result.defaultSwitched) emitter.emit('defaultNetworkSwitched', name, result.defaultSwitched);
  }

  /** Brings a pod's sandbox to what the pod asks for now, and writes its status back. */
  async function reconcileSandbox(pod: ApiPod, sandbox: SandboxEntry, report: TurnReport): Promise<void> {
    const name = podName(pod);
    try {
      const result = await driver.reconcilePod({
        sandboxId: sandbox.sandboxId,
        netns: sandbox.netns,
        pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid, annotations: pod.annotations, ...(pod.networks ? { networks: pod.networks } : {}) },
      });
      const { status } = result;
      const failures = status.failures ?? [];
      const error = failures.length
        ? { code: 'ATTACHMENT_FAILED', message: failures.map((f) => `${f.name} on ${f.interface}: ${f.message}`).join('; ') }
        : null;
      api.setPodStatus(pod, { sandboxId: sandbox.sandboxId, netns: sandbox.netns, podIPs: status.podIPs, networks: status.networks, error, ...(failures.length ? { failures } : {}), ...buildPodStatusExtras(pod, status) });
      emitChanges(name, result);
      if (!ready.has(sandbox.sandboxId) && result.added.length > 0 && result.repaired.length === 0) {
        // A first setup (a sandbox recovered after a restart is ready without one).
        ready.add(sandbox.sandboxId);
        report.setUp.push(name);
        emitter.emit('podSetUp', name, status);
      } else if (result.added.length || result.removed.length || result.repaired.length) {
        ready.add(sandbox.sandboxId);
        report.changed.push({ pod: name, added: result.added, removed: result.removed, repaired: result.repaired });
      } else ready.add(sandbox.sandboxId);
      if (error) report.failed.push({ pod: name, ...error });
    } catch (error) {
      const failure = buildPodFailure(error, 'POD_SETUP_FAILED');
      // A running sandbox whose new request cannot be planned keeps what it has.
      const running = ready.has(sandbox.sandboxId) ? await driver.podStatus(sandbox.sandboxId).catch(() => undefined) : undefined;
      if (!running) ready.delete(sandbox.sandboxId);
      api.setPodStatus(pod, { sandboxId: sandbox.sandboxId, netns: sandbox.netns, podIPs: running?.podIPs ?? [], networks: running?.networks ?? [], error: failure, ...buildPodStatusExtras(pod, running) });
      report.failed.push({ pod: name, ...failure });
      emitter.emit('podSetUpFailed', name, failure);
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

  async function removeSandbox(sandbox: SandboxEntry, report: TurnReport): Promise<void> {
    const name = podName(sandbox.pod);
    try {
      // A namespace that is no namespace (left half-made by a kill during `ip netns add`) goes
      // first: plugins refuse such a path on DEL, but take a missing one (and still free IPAM).
      if (!(await netns.isUsable(sandbox.netns))) await netns.remove(sandbox.sandboxId, sandbox.netns);
      await driver.tearDownPod(sandbox.sandboxId);
      await netns.remove(sandbox.sandboxId, sandbox.netns);
      await registry.remove(sandbox.sandboxId);
      ready.delete(sandbox.sandboxId);
      report.tornDown.push(name);
      emitter.emit('podTornDown', name, sandbox.sandboxId);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      report.teardownFailed.push({ pod: name, message: err.message });
      emitter.emit('podTearDownFailed', name, err);
    }
  }

  /** Operations in flight, by pod UID. */
  const busy = new Map<string, Promise<void>>();
  function exclusively(uid: string, operation: () => Promise<void>): Promise<void> {
    if (busy.has(uid)) return Promise.resolve();
    const running = operation().finally(() => busy.delete(uid));
    busy.set(uid, running);
    return running;
  }
  // A crash abandons the dead life's operations (they never settle): they are forgotten, not awaited.
  const settleBusy = async (): Promise<void> => {
    while (busy.size > 0 && !crashError) await Promise.race([Promise.allSettled([...busy.values()]), crashSignal.catch(() => undefined)]);
  };

  /**
   * Plans one turn and starts its operations; resolves once they are started, to the turn's
   * report promise (boxed: an async function would flatten a returned promise and wait for it).
   */
  async function launchTurn(): Promise<{ readonly report: Promise<SyncReport> }> {
    const report: TurnReport = { setUp: [], failed: [], changed: [], tornDown: [], teardownFailed: [] };
    const fail = (error: unknown): never => {
      const err = error instanceof Error ? error : new Error(String(error));
      emitter.emit('syncFailed', err);
      throw err;
    };
    let operations: Promise<unknown>;
    try {
      await manifests?.sync();
      await driver.sync();
      const sandboxes = await registry.list();
      const decision = selectSyncActions(api.listPods(), sandboxes);
      // One operation per pod at a time: a pod still busy from an earlier turn (a slow or hung
      // plugin) is left to it, and every other pod gets its turn now.
      for (const { pod, owner } of decision.toRefuse) refusePod(pod, owner, report);
      operations = Promise.all([
        ...decision.toRemove.map((sandbox) => exclusively(sandbox.pod.uid, () => removeSandbox(sandbox, report))),
        ...decision.toReconcile.map(({ pod, sandbox }) => exclusively(pod.uid, () => reconcileOrReplace(pod, sandbox, report))),
        ...decision.toCreate.map((pod) => exclusively(pod.uid, () => createAndReconcile(pod, report))),
      ]);
    } catch (error) {
      return fail(error);
    }
    const done = operations.then(
      () => {
        emitter.emit('syncDone', report);
        return report;
      },
      (error: unknown) => fail(error),
    );
    return { report: done };
  }

  /** One whole turn: planned, carried out, reported. */
  async function runTurn(): Promise<SyncReport> {
    return (await launchTurn()).report;
  }

  /** A pod whose uid another pod holds gets no sandbox, and its status says why. */
  function refusePod(pod: ApiPod, owner: ApiPod, report: TurnReport): void {
    const failure = {
      code: FAKE_RUNTIME_ERROR_CODES.POD_UID_CONFLICT,
      message: `pod ${podName(pod)} has uid ${pod.uid}, which pod ${podName(owner)} already has; refused: a uid names one pod and one sandbox`,
    };
    api.setPodStatus(pod, { podIPs: [], networks: [], error: failure, ...buildPodStatusExtras(pod, undefined) });
    report.failed.push({ pod: podName(pod), ...failure });
    emitter.emit('podSetUpFailed', podName(pod), failure);
  }

  /** Makes a sandbox for a pod that has none, then sets its networks up. */
  async function createAndReconcile(pod: ApiPod, report: TurnReport): Promise<void> {
    let sandbox: SandboxEntry;
    try {
      sandbox = await createSandbox(pod);
    } catch (error) {
      const failure = buildPodFailure(error, 'SANDBOX_FAILED');
      api.setPodStatus(pod, { podIPs: [], networks: [], error: failure, ...buildPodStatusExtras(pod, undefined) });
      report.failed.push({ pod: podName(pod), ...failure });
      emitter.emit('podSetUpFailed', podName(pod), failure);
      return;
    }
    await reconcileSandbox(pod, sandbox, report);
  }

  /**
   * A sandbox whose namespace is gone (a crash between recording the sandbox and making its
   * namespace, or during it, or someone deleted it) is dead, as kubelet sees it: it is torn down from its
   * record (which frees what IPAM still holds) and the pod gets a new sandbox.
   */
  async function reconcileOrReplace(pod: ApiPod, sandbox: SandboxEntry, report: TurnReport): Promise<void> {
    if (await netns.isUsable(sandbox.netns)) return reconcileSandbox(pod, sandbox, report);
    options.logger?.warn({ pod: podName(pod), sandboxId: sandbox.sandboxId }, 'sandbox namespace is gone; replacing the sandbox');
    await removeSandbox(sandbox, report);
    if (!(await registry.list()).some((s) => s.sandboxId === sandbox.sandboxId)) await createAndReconcile(pod, report);
  }

  function syncOnce(): Promise<SyncReport> {
    if (crashError) return Promise.reject(crashError);
    // An explicit sync sees every pod: it lets operations in flight from the loop finish first.
    const next = (turn ?? Promise.resolve()).catch(() => undefined).then(settleBusy).then(runTurn);
    // A crash cuts the turn short: its own promise never settles, the caller gets the crash.
    const raced = Promise.race([next, crashSignal]);
    turn = raced;
    return raced;
  }

  function crashNow(fault?: InjectedFault): void {
    if (crashError) return;
    const where = fault ? ` ${fault.action === 'crash-before' ? 'before' : 'after'} ${fault.command} #${fault.nth} of network ${fault.network}` : '';
    const error = new FakeRuntimeError('RUNTIME_CRASHED', `the fake runtime crashed${where}`, fault ? { network: fault.network, command: fault.command, nth: fault.nth } : {});
    crashError = error;
    busy.clear();
    const dead = life;
    dead.crash();
    if (timer) clearInterval(timer);
    timer = undefined;
    rejectOnCrash(error);
    // What the kernel does for a dead process: its plugins are killed, its lock is dropped.
    crashCleanup = (async () => {
      await dead.idle();
      const fds = listLockDescriptors(lockPath);
      for (const fd of fds) await baseExecutor.releaseFence?.(fd).catch(() => undefined);
      closeDescriptors(fds);
    })();
    emitter.emit('crashed', error);
  }

  // Getters are defined, not assigned: Object.assign would copy their first value.
  Object.defineProperties(emitter, {
    driver: { get: () => driver, enumerable: true },
    crashed: { get: () => crashError !== undefined, enumerable: true },
  });
  const runtime = Object.assign(emitter, {
    api,
    netnsMode: netns.mode,
    syncOnce,
    crash: () => crashNow(),
    start() {
      if (timer || crashError) return;
      // Ticks never pile up: one is skipped while the previous one is still planning, and a
      // turn waits only for the pods it started, never for one busy from an earlier turn.
      let planning = false;
      const tick = (): void => {
        if (planning || crashError) return;
        planning = true;
        const launched = Promise.race([launchTurn(), crashSignal]);
        void launched.catch(() => undefined).finally(() => (planning = false));
        const done = launched.then(({ report }) => Promise.race([report, crashSignal]));
        done.catch(() => undefined);
        turn = done;
      };
      tick();
      timer = setInterval(tick, options.intervalMs ?? 2000);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await turn?.catch(() => undefined);
      await settleBusy();
    },
    async restart() {
      await runtime.stop();
      if (crashError) {
        // The crashed driver is dropped, never closed: a dead process closes nothing.
        await crashCleanup;
        life = createDriverLife();
        crashSignal = new Promise<never>((_, reject) => (rejectOnCrash = reject));
        crashSignal.catch(() => undefined);
        crashError = undefined;
      } else await driver.close();
      driver = await newDriver();
      ready = new Set();
      emitter.emit('restarted');
    },
    podStatus: (ref: string) => api.getPodStatus(ref),
    sandboxes: () => registry.list(),
    manifestProblems: () => loader?.problems ?? [],
    waitFor<K extends keyof FakeRuntimeEvents>(event: K, predicate?: (...args: FakeRuntimeEvents[K]) => boolean, waitOptions: WaitForOptions = {}): Promise<FakeRuntimeEvents[K]> {
      const { timeoutMs, signal } = waitOptions;
      if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && Number.isFinite(timeoutMs))) {
        return Promise.reject(new TypeError(`Expected \`timeoutMs\` to be a non-negative number, got \`${JSON.stringify(timeoutMs)}\``));
      }
      return new Promise((resolve, reject) => {
        let timeout: NodeJS.Timeout | undefined;
        const finish = (): void => {
          emitter.off(event, listener as never);
          if (timeout) clearTimeout(timeout);
          signal?.removeEventListener('abort', onAbort);
        };
        const listener = (...args: FakeRuntimeEvents[K]): void => {
          if (predicate && !predicate(...args)) return;
          finish();
          resolve(args);
        };
        const onAbort = (): void => {
          finish();
          reject(new FakeRuntimeError('WAIT_ABORTED', `gave up waiting for a ${String(event)} event`, { event: String(event) }, { cause: signal?.reason }));
        };
        if (signal?.aborted) return onAbort();
        emitter.on(event, listener as never);
        signal?.addEventListener('abort', onAbort, { once: true });
        if (timeoutMs !== undefined) {
          timeout = setTimeout(() => {
            finish();
            reject(new FakeRuntimeError('WAIT_TIMEOUT', `no ${String(event)} event${predicate ? ' matching the predicate' : ''} within ${timeoutMs} ms`, { event: String(event), timeoutMs }));
          }, timeoutMs);
        }
      });
    },
    async close(closeOptions?: { readonly abort?: boolean | undefined }) {
      if (closeOptions?.abort && !crashError) {
        // Kill the plugin calls in flight first: each step is recorded, the next start finishes it.
        if (timer) clearInterval(timer);
        timer = undefined;
        await driver.close({ abort: true });
      }
      await runtime.stop();
      if (crashError) await crashCleanup;
      else await driver.close();
      await manifests?.close();
      if (!options.executor) await baseExecutor.close?.();
    },
  });
  return runtime as FakeRuntime;
}
