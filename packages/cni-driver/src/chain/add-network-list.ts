/**
 * ADD: run a network config list's plugins in order, chaining results, then cache the result.
 */
import {
  CniError,
  parseResult,
  validateContainerId,
  validateInterfaceName,
  validateNetworkName,
  type CniResult,
  type NetworkConfigList,
} from '@multinet/cni-types';
import { prepareCachedResultWrite } from '../cache/result-cache.ts';
import type { ChainCallOptions, ChainContext, RuntimeConf } from './chain-context.ts';
import { buildPluginStdin } from './plugin-stdin.ts';
import { runListPlugin } from './run-plugin.ts';

/**
 * ADDs `list` for `rt`: plugins in order, each given the previous result as `prevResult`; the
 * first failure stops the chain (no rollback here: the caller must DEL, as the spec says). As in
 * libcni, a result is decoded by its own `cniVersion` (the list's only when it has none) and
 * handed on unconverted: old plugins in the field answer old versions. DEL and CHECK convert the
 * cached result to the list's version. The libcni cache record is written after success.
 * `options.stdinGate` holds the first plugin's config back (see {@link ChainCallOptions}).
 *
 * @throws {CniError} CONTAINER_ID_INVALID, NETWORK_NAME_INVALID, INTERFACE_NAME_INVALID,
 *   RESULT_INVALID, VERSION_UNSUPPORTED, CACHE_WRITE_FAILED and every plugin error code
 */
export async function addNetworkList(ctx: ChainContext, list: NetworkConfigList, rt: RuntimeConf, options: ChainCallOptions = {}): Promise<CniResult | undefined> {
  validateContainerId(rt.containerId);
  validateNetworkName(list.name);
  validateInterfaceName(rt.ifName);
  // The cache file is begun now: its creation overlaps the plugins instead of following them.
  const cacheWrite = ctx.writeResultCache === false ? undefined : prepareCachedResultWrite(ctx.cacheDir, { networkName: list.name, containerId: rt.containerId, ifName: rt.ifName }, { fsync: ctx.cacheFsync });
  let prevResult: CniResult | undefined;
  try {
    for (const [index, plugin] of list.plugins.entries()) {
      const stdin = buildPluginStdin(list, plugin, { prevResult, capabilityArgs: rt.capabilityArgs });
      const answer = await runListPlugin(ctx, list, plugin, 'ADD', rt, stdin, index === 0 ? options.stdinGate : undefined);
      // libcni decodes every ADD answer: an empty one is an error, not a result without IPs.
      if (answer === undefined) {
        throw new CniError('PLUGIN_OUTPUT_INVALID', `plugin type="${plugin.type}" network="${list.name}" exited 0 on ADD without printing a result`, {
          plugin: plugin.type,
          network: list.name,
          ifName: rt.ifName,
          command: 'ADD',
        });
      }
      prevResult = parseResult(answer, { cniVersion: list.cniVersion, source: `plugin type="${plugin.type}"` });
    }
  } catch (error) {
    await cacheWrite?.abandon();
    throw error;
  }
  await cacheWrite?.commit({ configText: list.bytes, netns: rt.netns, cniArgs: rt.args, capabilityArgs: rt.capabilityArgs, result: prevResult });
  return prevResult;
}
