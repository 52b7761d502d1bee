/**
 * What every chain operation needs: how to run plugins, where they are, the cache, and limits.
 */
import type { CniArgs } from '@multinet/cni-types';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import type { Logger } from '../internal/logger.ts';

/** The shared context of chain operations. */
export interface ChainContext {
  readonly executor: PluginExecutor;
  readonly pluginDirs: readonly string[];
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
}

/** Per-attachment runtime values (libcni's `RuntimeConf`). */
export interface RuntimeConf {
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  readonly args?: CniArgs | undefined;
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
}
