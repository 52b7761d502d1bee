/**
 * Running one plugin of a network config list with the chain's context.
 */
import type { NetworkConfigList, PluginConf } from '@multinet/cni-types';
import { invokePlugin } from '../invoke/invoke-plugin.ts';
import type { CniCommand } from '../invoke/plugin-env.ts';
import type { ChainContext, RuntimeConf } from './chain-context.ts';

/**
 * Runs `plugin` of `list` for `command` with the given stdin; returns its parsed stdout.
 * `stdinGate`: see {@link invokePlugin}'s request (the plugin reads its config only once it opens).
 */
export function runListPlugin(
  ctx: ChainContext,
  list: NetworkConfigList,
  plugin: PluginConf,
  command: CniCommand,
  rt: Partial<RuntimeConf>,
  stdin: string,
  stdinGate?: Promise<unknown>,
): Promise<unknown> {
  return invokePlugin({
    executor: ctx.executor,
    pluginDirs: ctx.pluginDirs,
    knownPluginPath: ctx.knownPluginPath,
    type: plugin.type,
    network: list.name,
    command,
    stdin,
    containerId: rt.containerId,
    netns: rt.netns,
    ifName: rt.ifName,
    args: rt.args,
    baseEnv: ctx.baseEnv,
    timeoutMs: ctx.timeoutMs,
    killGraceMs: ctx.killGraceMs,
    maxOutputBytes: ctx.maxOutputBytes,
    fenceFd: ctx.fenceFd,
    logger: ctx.logger,
    signal: ctx.signal,
    stdinGate,
  });
}
