/**
 * What every chain operation needs: how to run plugins, where they are, the cache, and limits.
 */
import type { CniArgs, CniResult, NetworkConfigList } from '@multinet/cni-types';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import type { Logger } from '../internal/logger.ts';

/** The shared context of chain operations. */
export interface ChainContext {
  readonly executor: PluginExecutor;
  readonly pluginDirs: readonly string[];
  /** The path of a plugin the caller already found (the catalog's listing); others are looked up. @default none */
  readonly knownPluginPath?: ((type: string) => string | undefined) | undefined;
  /** libcni-format cache dir (`<cacheDir>/results/...`). */
  readonly cacheDir: string;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  /** The environment the CNI variables are added to (libcni passes the whole process env). */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly signal?: AbortSignal | undefined;
  /** Descriptor every plugin inherits as fd 3: the pod driver's state-dir lock. @default none */
  readonly fenceFd?: number | undefined;
  /**
   * fsync cache writes (file and dir). The pod driver turns it off: its own durable record
   * already holds the same config and result, so the libcni-format copy needs only atomicity.
   * @default true
   */
  readonly cacheFsync?: boolean | undefined;
  /**
   * Write libcni-format cache files on ADD (and remove them on DEL). The pod driver turns it off
   * unless asked (`libcniCache`): its record holds the same config and result. @default true
   */
  readonly writeResultCache?: boolean | undefined;
  /**
   * Where DEL finds the ADD result when the caller keeps it (the pod driver's record): resolves to
   * `{ prevResult }` for an attachment it knows (`prevResult` undefined: ADD left none), or
   * `undefined` to fall back to the libcni cache. @default the libcni cache only
   */
  readonly readKnownResult?: ((list: NetworkConfigList, rt: RuntimeConf) => Promise<{ readonly prevResult?: CniResult | undefined } | undefined>) | undefined;
}

/** Per-attachment runtime values (libcni's `RuntimeConf`). */
export interface RuntimeConf {
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  readonly args?: CniArgs | undefined;
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
}

/** Options of one ADD or DEL of a network config list. */
export interface ChainCallOptions {
  /**
   * Must be fulfilled before the first plugin the call runs may read its config (the driver's
   * intent, being made durable; the call before this one, still running): that plugin's process
   * starts meanwhile. When it rejects, the call fails with its error, no plugin having read
   * anything. @default none
   */
  readonly stdinGate?: Promise<unknown> | undefined;
}
