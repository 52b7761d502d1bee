/**
 * STATUS: ask each plugin of a list whether it is ready (spec 1.1).
 */
import { isCniVersionAtLeast, type NetworkConfigList } from '@multinet/cni-types';
import type { ChainContext } from './chain-context.ts';
import { buildPluginStdin } from './plugin-stdin.ts';
import { runListPlugin } from './run-plugin.ts';

/**
 * Runs STATUS on each plugin in order; below 1.1.0 it succeeds without running anything.
 *
 * @throws {CniError} NOT_AVAILABLE (code 50), NOT_AVAILABLE_LIMITED (51) and every plugin error code
 */
export async function getStatusNetworkList(ctx: ChainContext, list: NetworkConfigList): Promise<void> {
  if (!isCniVersionAtLeast(list.cniVersion, '1.1.0')) return;
  for (const plugin of list.plugins) {
    await runListPlugin(ctx, list, plugin, 'STATUS', {}, buildPluginStdin(list, plugin));
  }
}
