/**
 * libcni's `CNIConfig` for runtimes that want chain-level control: ADD/CHECK/DEL/GC/STATUS of a
 * network config list, version checks, and the result cache.
 */
import type { CniResult, NetworkConfigList, VersionResult } from '@multinet/cni-types';
import { listCachedAttachments, readCachedResult, type CachedAttachment } from '../cache/result-cache.ts';
import { createNodeSpawnerExecutor } from '../invoke/node-spawner-executor.ts';
import { INVOKE_DEFAULTS } from '../invoke/invoke-plugin.ts';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import { wrapLogger, type Logger, type LoggerLike } from '../internal/logger.ts';
import { validateAbsolutePath, validatePositiveNumber, validateTimerMs } from '../internal/options.ts';
import { addNetworkList } from './add-network-list.ts';
import { readCachedPrevResult } from './cached-prev-result.ts';
import type { ChainContext, RuntimeConf } from './chain-context.ts';
import { checkNetworkList } from './check-network-list.ts';
import { delNetworkList } from './del-network-list.ts';
import { validateCapabilityArgs } from '../plan/capability-args.ts';
import { gcNetworkList, type GcArgs } from './gc-network-list.ts';
import { getStatusNetworkList } from './status-network-list.ts';
import { getVersionInfo, validateNetworkList } from './version-info.ts';

/** Options of {@link createCniConfig}. */
export interface CniConfigOptions {
  /** Absolute plugin dirs, in search order (CNI_PATH). */
  readonly pluginDirs: readonly string[];
  /** Absolute cache dir. @default '/var/lib/cni' (libcni's) */
  readonly cacheDir?: string | undefined;
  /** How plugins run. @default the Node spawner executor (a small helper process that starts plugins) */
  readonly executor?: PluginExecutor | undefined;
  /** Timeout of each plugin call. @default 60_000 */
  readonly timeoutMs?: number | undefined;
  /** Grace between SIGTERM and SIGKILL of a timed-out plugin's group. @default 2_000 */
  readonly killGraceMs?: number | undefined;
  /** Cap on each of a plugin's stdout and stderr. @default 4 MiB */
  readonly maxOutputBytes?: number | undefined;
  /** Environment the CNI variables are added to. @default a copy of process.env taken at creation */
  readonly baseEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** A pino-compatible logger, or `console`. @default silent */
  readonly logger?: Logger | LoggerLike | undefined;
  /**
   * fsync each cache file and its dir. libcni never does (a crash can leave an empty cache file,
   * cni#1055); `false` is libcni's behaviour. @default true
   */
  readonly cacheFsync?: boolean | undefined;
}

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * libcni's CNIConfig: chain operations on network config lists. Unlike libcni, ADD and CHECK
 * refuse capability args of the wrong shape before any plugin runs (CAPABILITY_ARGS_INVALID).
 */
export interface CniConfig {
  addNetworkList(list: NetworkConfigList, rt: RuntimeConf, options?: CallOptions): Promise<CniResult | undefined>;
  checkNetworkList(list: NetworkConfigList, rt: RuntimeConf, options?: CallOptions): Promise<void>;
  delNetworkList(list: NetworkConfigList, rt: RuntimeConf, options?: CallOptions): Promise<void>;
  gcNetworkList(list: NetworkConfigList, args?: GcArgs, options?: CallOptions): Promise<void>;
  getStatusNetworkList(list: NetworkConfigList, options?: CallOptions): Promise<void>;
  getVersionInfo(pluginType: string, options?: CallOptions): Promise<VersionResult>;
  validateNetworkList(list: NetworkConfigList, options?: CallOptions): Promise<string[]>;
  getCachedAttachments(containerId?: string): Promise<CachedAttachment[]>;
  getNetworkListCachedResult(list: NetworkConfigList, rt: RuntimeConf): Promise<CniResult | undefined>;
  getNetworkListCachedConfig(list: NetworkConfigList, rt: RuntimeConf): Promise<{ configText: string; rt: RuntimeConf } | undefined>;
  /** The context chain operations run with (for the driver's own use). */
  readonly context: ChainContext;
}

/**
 * Creates a CNIConfig.
 *
 * @throws {TypeError} for a relative dir or a non-positive limit
 * @example
 * ```ts
 * const cni = createCniConfig({ pluginDirs: ['/usr/lib/cni'], cacheDir: '/var/lib/cni' });
 * const result = await cni.addNetworkList(list, { containerId, netns, ifName: 'eth0' });
 * ```
 */
export function createCniConfig(options: CniConfigOptions): CniConfig {
  options.pluginDirs.forEach((dir, i) => validateAbsolutePath(`pluginDirs[${i}]`, dir));
  const cacheDir = options.cacheDir ?? '/var/lib/cni';
  validateAbsolutePath('cacheDir', cacheDir);
  const timeoutMs = options.timeoutMs ?? INVOKE_DEFAULTS.timeoutMs;
  const killGraceMs = options.killGraceMs ?? INVOKE_DEFAULTS.killGraceMs;
  const maxOutputBytes = options.maxOutputBytes ?? INVOKE_DEFAULTS.maxOutputBytes;
  validateTimerMs('timeoutMs', timeoutMs);
  validateTimerMs('killGraceMs', killGraceMs);
  validatePositiveNumber('maxOutputBytes', maxOutputBytes);
  const context: ChainContext = {
    executor: options.executor ?? createNodeSpawnerExecutor(),
    pluginDirs: [...options.pluginDirs],
    cacheDir,
    timeoutMs,
    killGraceMs,
    maxOutputBytes,
    // A plain copy: reading process.env (a proxy over environ) on every call is slow.
    baseEnv: options.baseEnv ?? { ...process.env },
    logger: wrapLogger(options.logger),
    cacheFsync: options.cacheFsync ?? true,
  };
  const withSignal = (call?: CallOptions): ChainContext => (call?.signal ? { ...context, signal: call.signal } : context);
  return {
    context,
    // Capability args of the wrong shape never reach a plugin (DEL takes what ADD was given).
    addNetworkList: async (list, rt, call) => {
      validateCapabilityArgs(rt.capabilityArgs ?? {}, 'capabilityArgs', { containerId: rt.containerId, ifName: rt.ifName });
      return addNetworkList(withSignal(call), list, rt);
    },
    checkNetworkList: async (list, rt, call) => {
      validateCapabilityArgs(rt.capabilityArgs ?? {}, 'capabilityArgs', { containerId: rt.containerId, ifName: rt.ifName });
      return checkNetworkList(withSignal(call), list, rt);
    },
    delNetworkList: (list, rt, call) => delNetworkList(withSignal(call), list, rt),
    gcNetworkList: (list, args, call) => gcNetworkList(withSignal(call), list, args),
    getStatusNetworkList: (list, call) => getStatusNetworkList(withSignal(call), list),
    getVersionInfo: (type, call) => getVersionInfo(withSignal(call), type),
    validateNetworkList: (list, call) => validateNetworkList(withSignal(call), list),
    getCachedAttachments: (containerId) => listCachedAttachments(cacheDir, containerId),
    getNetworkListCachedResult: (list, rt) => readCachedPrevResult(context, list, rt),
    async getNetworkListCachedConfig(list, rt) {
      const cached = await readCachedResult(cacheDir, list.name, rt.containerId, rt.ifName);
      if (!cached || cached.kind !== 'v1') return undefined;
      return {
        configText: cached.configText,
        rt: {
          ...rt,
          ...(cached.record.cniArgs ? { args: cached.record.cniArgs } : {}),
          capabilityArgs: cached.record.capabilityArgs,
        },
      };
    },
  };
}
