/**
 * One plugin call: validate the type, find the binary, build env, run, read the answer.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { CniArgs } from '@multinet/cni-types';
import { buildPluginEnv, type CniCommand } from './plugin-env.ts';
import { findPlugin } from './plugin-path.ts';
import { parsePluginOutcome } from './plugin-outcome.ts';
import type { PluginExecOutcome, PluginExecutor } from './plugin-executor.ts';

/** Defaults of every plugin call. */
export const INVOKE_DEFAULTS = { timeoutMs: 60_000, killGraceMs: 2_000, maxOutputBytes: 4 * 1024 * 1024 } as const;

/** Everything one plugin call needs. */
export interface InvokePluginRequest {
  readonly executor: PluginExecutor;
  readonly pluginDirs: readonly string[];
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
  /** How to wait between "text file busy" retries (tests inject a fake). @default timers' setTimeout */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
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
  const path = await findPlugin(request.type, request.pluginDirs);
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
    });
    if (!isTextFileBusy(outcome) || attempt >= TEXT_FILE_BUSY_RETRIES) break;
    await sleep(1000);
  }
  return parsePluginOutcome(
    { plugin: request.type, command: request.command, network: request.network, ifName: request.ifName, containerId: request.containerId },
    outcome,
  );
}
