/**
 * One plugin call: validate the type, find the binary, build env, run, read the answer.
 *
 * Every call is published on the `multinet:plugin` tracing channel of `node:diagnostics_channel`
 * (as undici publishes requests), so an embedder can export metrics or traces without wrapping
 * the executor, and logged at debug level with its duration and outcome.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { CniArgs } from '@multinet/cni-types';
import type { Logger } from '../internal/logger.ts';
import { buildPluginEnv, type CniCommand } from './plugin-env.ts';
import { findPlugin, validatePluginType } from './plugin-path.ts';
import { parsePluginOutcome } from './plugin-outcome.ts';
import type { PluginExecOutcome, PluginExecutor } from './plugin-executor.ts';

/**
 * The tracing channel of plugin calls and the names of its five channels. Subscribe with
 * `diagnostics_channel.tracingChannel(PLUGIN_TRACING_CHANNEL).subscribe({ start, asyncEnd, error })`
 * or to one name with `diagnostics_channel.subscribe(PLUGIN_CHANNELS.asyncEnd, fn)`; each message is
 * a {@link PluginCallMessage}.
 */
export const PLUGIN_TRACING_CHANNEL = 'multinet:plugin';

/** The channel names of {@link PLUGIN_TRACING_CHANNEL}, as Node derives them. */
export const PLUGIN_CHANNELS = {
  start: 'tracing:multinet:plugin:start',
  end: 'tracing:multinet:plugin:end',
  asyncStart: 'tracing:multinet:plugin:asyncStart',
  asyncEnd: 'tracing:multinet:plugin:asyncEnd',
  error: 'tracing:multinet:plugin:error',
} as const;

/**
 * The message of every event of one plugin call (the same object throughout the call). `path`
 * is set once the binary is found; `durationMs` and `outcome` when the call ends; Node adds
 * `result` on success and `error` (a `CniError`) on failure.
 */
export interface PluginCallMessage {
  /** The plugin `type`. */
  readonly type: string;
  readonly command: CniCommand;
  /** The network name, when the caller gave it. */
  readonly network: string | undefined;
  readonly ifName: string | undefined;
  readonly containerId: string | undefined;
  /** The plugin binary, once found. */
  path?: string;
  /** Wall time of the whole call (lookup, every attempt, parse), from its stdin gate's opening when it had one. */
  durationMs?: number;
  /** `ok`, or the `CniError` code of the failure. */
  outcome?: string;
  result?: unknown;
  error?: unknown;
}

const pluginChannel = tracingChannel<unknown, PluginCallMessage>(PLUGIN_TRACING_CHANNEL);

/** Defaults of every plugin call. */
export const INVOKE_DEFAULTS = { timeoutMs: 60_000, killGraceMs: 2_000, maxOutputBytes: 4 * 1024 * 1024 } as const;

/** Everything one plugin call needs. */
export interface InvokePluginRequest {
  readonly executor: PluginExecutor;
  readonly pluginDirs: readonly string[];
  /**
   * Where a plugin already found in the plugin dirs lives (the catalog's listing), so the call
   * needs no lookup; a type it does not know, or a path that has gone, is looked up. @default none
   */
  readonly knownPluginPath?: ((type: string) => string | undefined) | undefined;
  /** The plugin `type` (a file name). */
  readonly type: string;
  /** The network, for messages. */
  readonly network?: string | undefined;
  readonly command: CniCommand;
  /** The exact stdin bytes. */
  readonly stdin: string;
  readonly containerId?: string | undefined;
  readonly netns?: string | undefined;
  readonly ifName?: string | undefined;
  readonly args?: CniArgs | undefined;
  /** The environment the CNI variables are added to. @default process.env */
  readonly baseEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** @default 60_000 */
  readonly timeoutMs?: number | undefined;
  /** @default 2_000 */
  readonly killGraceMs?: number | undefined;
  /** @default 4 MiB */
  readonly maxOutputBytes?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Descriptor the plugin inherits as fd 3 (the driver's state-dir lock). @default none */
  readonly fenceFd?: number | undefined;
  /**
   * Must be fulfilled before the plugin may read its config: an executor that
   * {@link PluginExecutor.gatesStdin} starts the plugin meanwhile, any other is called only after
   * it. When it rejects, the call fails with its error and the plugin has read nothing.
   * @default none
   */
  readonly stdinGate?: Promise<unknown> | undefined;
  /** How to wait between "text file busy" retries (tests inject a fake). @default timers' setTimeout */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Gets one debug line per call with its duration and outcome. @default silent */
  readonly logger?: Logger | undefined;
}

const TEXT_FILE_BUSY_RETRIES = 5;

const isTextFileBusy = (outcome: PluginExecOutcome): boolean =>
  outcome.spawnError?.code === 'ETXTBSY' || /text file busy/i.test(outcome.stderr);

/**
 * Runs one plugin and returns its stdout parsed as JSON (`undefined` when it printed nothing).
 * Retries while the binary is still being written ("text file busy"), as libcni does.
 *
 * @throws {CniError} PLUGIN_TYPE_INVALID, PLUGIN_NOT_FOUND, CNI_ARGS_INVALID and every code of
 *   `parsePluginOutcome`
 */
export async function invokePlugin(request: InvokePluginRequest): Promise<unknown> {
  const message: PluginCallMessage = {
    type: request.type,
    command: request.command,
    network: request.network,
    ifName: request.ifName,
    containerId: request.containerId,
  };
  let started = performance.now();
  // A plugin held back by its gate starts its work when the gate opens: its duration counts from there.
  request.stdinGate?.then(
    () => void (started = performance.now()),
    () => undefined,
  );
  const finish = (outcome: string): void => {
    message.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    message.outcome = outcome;
    request.logger?.debug(
      { plugin: request.type, command: request.command, network: request.network, ifName: request.ifName, containerId: request.containerId, durationMs: message.durationMs, outcome },
      outcome === 'ok' ? 'plugin call succeeded' : 'plugin call failed',
    );
  };
  const call = async (): Promise<unknown> => {
    try {
      const answer = await runPlugin(request, message);
      finish('ok');
      return answer;
    } catch (error) {
      finish(typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'ERROR');
      throw error;
    }
  };
  return pluginChannel.hasSubscribers ? pluginChannel.tracePromise(call, message) : call();
}

async function runPlugin(request: InvokePluginRequest, message: PluginCallMessage): Promise<unknown> {
  validatePluginType(request.type);
  let known = request.knownPluginPath?.(request.type);
  let path = known ?? (await findPlugin(request.type, request.pluginDirs));
  message.path = path;
  const env = buildPluginEnv(
    {
      command: request.command,
      containerId: request.containerId,
      netns: request.netns,
      ifName: request.ifName,
      args: request.args,
      pluginDirs: request.pluginDirs,
    },
    request.baseEnv ?? process.env,
  );
  const sleep = request.sleep ?? ((ms: number) => delay(ms));
  const gate = request.stdinGate;
  if (gate !== undefined && request.executor.gatesStdin !== true) await gate;
  let outcome: PluginExecOutcome;
  for (let attempt = 0; ; attempt++) {
    outcome = await request.executor.execPlugin({
      path,
      stdin: request.stdin,
      env,
      timeoutMs: request.timeoutMs ?? INVOKE_DEFAULTS.timeoutMs,
      killGraceMs: request.killGraceMs ?? INVOKE_DEFAULTS.killGraceMs,
      maxOutputBytes: request.maxOutputBytes ?? INVOKE_DEFAULTS.maxOutputBytes,
      signal: request.signal,
      fenceFd: request.fenceFd,
      ...(gate !== undefined && request.executor.gatesStdin === true ? { stdinGate: gate } : {}),
    });
    // A gate that failed killed the plugin before it had its config: its error is the call's.
    if (gate !== undefined) await gate;
    // The catalog's listing was stale (the binary went): look it up as if it had not known it.
    if (known !== undefined && outcome.spawnError?.code === 'ENOENT') {
      known = undefined;
      path = await findPlugin(request.type, request.pluginDirs);
      message.path = path;
      continue;
    }
    if (!isTextFileBusy(outcome) || attempt >= TEXT_FILE_BUSY_RETRIES) break;
    await sleep(1000);
  }
  return parsePluginOutcome(
    { plugin: request.type, command: request.command, network: request.network, ifName: request.ifName, containerId: request.containerId },
    outcome,
  );
}
