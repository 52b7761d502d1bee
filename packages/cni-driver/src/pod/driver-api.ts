/**
 * The public face of the driver for runtimes: options and the operations on pod sandboxes.
 */
import type { CniErrorCode } from '@multinet/cni-types';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import type { Logger, LoggerLike } from '../internal/logger.ts';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';
import type { ObjectSource } from '../objects/object-source.ts';
import type { RetryBackoffOptions } from '../attach/retry-backoff.ts';
import type { DefaultRouteEditor } from '../attach/route-editor.ts';
import type { PodNetworkStatus, PodSandbox, ReconcileReport } from './pod-types.ts';

/** Options of `createCniDriver`. Normalized once, with these defaults. */
export interface CniDriverOptions {
  /** Absolute conf dir. @default '/etc/cni/net.d' */
  readonly confDir?: string | undefined;
  /** Absolute plugin dirs, in search order. @default ['/opt/cni/bin'] */
  readonly pluginDirs?: readonly string[] | undefined;
  /** Absolute dir for pod checkpoints (0700); the driver's durable truth. Required. */
  readonly stateDir: string;
  /** libcni-format result cache dir. @default `<stateDir>/cache` */
  readonly cacheDir?: string | undefined;
  /** Where network objects come from. @default none: only the default network is usable */
  readonly objectSource?: ObjectSource | undefined;
  /** How plugins are run. @default the Node spawner executor (`createNodeSpawnerExecutor`) */
  readonly executor?: PluginExecutor | undefined;
  /** Watch conf and bin dirs with chokidar. @default true */
  readonly watch?: boolean | undefined;
  /** Bring `lo` up with the loopback plugin before the pod's networks. @default true */
  readonly loopback?: boolean | undefined;
  /** Kubeconfig path handed to thick plugins (F8). @default none */
  readonly kubeconfig?: string | undefined;
  /** Timeout of each plugin call. @default 60_000 */
  readonly pluginTimeoutMs?: number | undefined;
  /** Time between SIGTERM and SIGKILL of a timed-out or aborted plugin's process group. @default 2_000 */
  readonly killGraceMs?: number | undefined;
  /** Networks one pod may ask for; more fail the pod with SELECTION_INVALID before anything runs. @default 64 */
  readonly maxNetworksPerPod?: number | undefined;
  /** Conf files larger than this are skipped as a problem, unread. @default 1 MiB */
  readonly maxConfBytes?: number | undefined;
  /** Sandboxes operated on at once (operations on one sandbox are always serialized). @default 8 */
  readonly maxConcurrentPods?: number | undefined;
  /** A pino-compatible logger, or `console`. @default silent */
  readonly logger?: Logger | LoggerLike | undefined;
  /**
   * How long to wait for another live process to let go of `stateDir`. One driver owns a state
   * dir at a time; a second one fails with STATE_DIR_LOCKED. @default 0: fail at once
   */
  readonly lockWaitMs?: number | undefined;
  /**
   * What the record of a step's intent survives before the step's plugin starts: `power-loss`
   * (an `fdatasync`, shared by every pod's appends under way) or `process-crash` (in the kernel;
   * cheaper, but a power loss may lose the last intents, and with them the DEL of what those steps
   * made). @default 'power-loss'
   */
  readonly durability?: 'power-loss' | 'process-crash' | undefined;
  /**
   * Also write libcni-format result cache files (`<cacheDir>/results`), for tools such as cnitool
   * or a runtime that reads them, and for teardown of a sandbox whose record was lost. Off, DEL
   * takes its `prevResult` from the driver's own record. @default false
   */
  readonly libcniCache?: boolean | undefined;
  /**
   * Start each plugin of a pod while the one before it still runs, its config (stdin) held back
   * until that one is done: the plugins of a pod still act one at a time, in order, but the next
   * one's exec and runtime start (≈2 ms for the CNI project's Go plugins) overlap the one before,
   * and the first one's overlap the `fdatasync` of the intents (under `power-loss`).
   * A plugin that is not to run after all (a failed first setup) is killed before it has read
   * anything. Applies only with an executor that `gatesStdin` (the three of this package do).
   * Turn it off for plugins that act before reading their config. @default true
   */
  readonly prestartPlugins?: boolean | undefined;
  /** Backoff of a failed ADD of a new attachment on a running pod. @default 1s doubling to 60s */
  readonly retryBackoff?: RetryBackoffOptions | undefined;
  /**
   * How default routes are changed in a sandbox when a pod asks for NPWG `default-route`.
   * @default `createIpRouteEditor()`: `nsenter --net=<netns> ip route …`; skips a netns path that is not a real namespace
   */
  readonly defaultRouteEditor?: DefaultRouteEditor | undefined;
}

/** What one `sync()` found. */
export interface DriverSyncReport {
  /** The catalog after the sync. */
  readonly catalog: CatalogSnapshot;
  /** True when the catalog or the objects changed since the last sync. */
  readonly changed: boolean;
}

/** A sandbox the driver holds a record for (found in the state dir, e.g. after a restart). */
export interface SandboxRecordSummary {
  readonly sandboxId: string;
  readonly netns: string;
  readonly pod: { readonly namespace: string; readonly name: string; readonly uid: string };
  /** `ready` once set up (changes since are per attachment); `setting-up`/`tearing-down` when interrupted. */
  readonly phase: 'setting-up' | 'ready' | 'tearing-down';
  /** The status derived from the record. */
  readonly status: PodNetworkStatus;
  /** Attachments whose DEL failed, with the last error and attempt count. */
  readonly pendingDeletes: ReadonlyArray<{ readonly ifName: string; readonly network: string; readonly attempts: number; readonly error?: { readonly code: CniErrorCode; readonly message: string } | undefined }>;
}

/** What `status()` reports: is the driver ready to set up pods. */
export interface DriverStatus {
  readonly ready: boolean;
  /** Why not, when not ready (e.g. NO_DEFAULT_NETWORK, or a STATUS error from the default network). */
  readonly error?: { readonly code: CniErrorCode; readonly message: string } | undefined;
  /** Conf files skipped, with reasons. */
  readonly problems: CatalogSnapshot['problems'];
}

/** What `gc()` did. */
export interface GcReport {
  /** Sandboxes whose records were orphans (not in the valid set) and were torn down. */
  readonly tornDown: readonly string[];
  /** Errors, one per failure; gc keeps going past each. */
  readonly errors: readonly Error[];
}

/** The multi-network CNI driver a runtime embeds. */
export interface CniDriver {
  /** Reloads what changed in the conf dir, bin dirs and object source; cheap when nothing did. */
  sync(): Promise<DriverSyncReport>;
  /**
   * Brings the sandbox to what the pod asks for now, attachment by attachment: DEL what is no
   * longer wanted (reverse order), ADD what is new (in order), leave the rest untouched. Each
   * step is recorded before it starts. After a restart the sandbox is verified (CHECK, or the
   * namespace read back) before it is reported, and what is broken is made again. A failed ADD
   * in a running sandbox is reported in `failed` and retried with backoff; in a first setup it
   * rolls the sandbox back and throws POD_SETUP_FAILED.
   *
   * @throws {CniError} POD_SETUP_FAILED, STATE_DIR_LOCKED, RECORD_WRITE_FAILED, planning codes
   */
  reconcilePod(sandbox: PodSandbox, options?: { signal?: AbortSignal }): Promise<ReconcileReport>;
  /**
   * `reconcilePod`, for runtimes that set a pod up once: resolves to its status (with the
   * attachments that failed, if any). On a failure of the first setup, DELs what was added (in
   * reverse) and throws POD_SETUP_FAILED naming the network, interface, plugin and reason.
   */
  setUpPod(sandbox: PodSandbox, options?: { signal?: AbortSignal }): Promise<PodNetworkStatus>;
  /**
   * Reconciles the sandbox to nothing: DEL every attachment in reverse order, from the record
   * alone (after a restart too); idempotent; keeps going past failures and throws one
   * AggregateError of CniErrors (the record keeps the failed ones for a retry).
   */
  tearDownPod(sandboxId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** CHECK every attachment (where the version allows); throws the first failure. */
  checkPod(sandboxId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** The status of a set-up sandbox, from its record; undefined when there is none. */
  podStatus(sandboxId: string): Promise<PodNetworkStatus | undefined>;
  /** Every sandbox with a record in the state dir (what a restarted runtime recovers). */
  listSandboxes(): Promise<SandboxRecordSummary[]>;
  /** Tears down records not in `validSandboxIds`, retries failed DELs, then CNI GC per network. */
  gc(validSandboxIds: Iterable<string>, options?: { signal?: AbortSignal }): Promise<GcReport>;
  /** Readiness, and CNI STATUS of the default network. */
  status(options?: { signal?: AbortSignal }): Promise<DriverStatus>;
  /**
   * Waits for operations in flight, stops watchers and helper processes, lets go of the state
   * dir. With `abort`, plugin calls in flight are killed first (their process groups get SIGTERM,
   * then SIGKILL): every step is recorded before it starts, so the next owner finishes or undoes it.
   */
  close(options?: { readonly abort?: boolean | undefined }): Promise<void>;
}
