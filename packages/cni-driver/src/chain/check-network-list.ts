/**
 * CHECK: run a network config list's plugins in order with the cached result.
 */
import { CniError, isCniVersionAtLeast, type CniResult, type NetworkConfigList } from '@multinet/cni-types';
import { readCachedPrevResult } from './cached-prev-result.ts';
import type { ChainContext, RuntimeConf } from './chain-context.ts';
import { buildPluginStdin } from './plugin-stdin.ts';
import { runListPlugin } from './run-plugin.ts';

/**
 * CHECKs `list` for `rt`: needs 0.4.0 or later; a no-op when `disableCheck` is set; the cached
 * result is the `prevResult` unless `known.prevResult` is given (a corrupt cache is an error here,
 * unlike on DEL).
 *
 * @throws {CniError} CHECK_NOT_SUPPORTED, CACHE_INVALID and every plugin error code
 */
export async function checkNetworkList(ctx: ChainContext, list: NetworkConfigList, rt: RuntimeConf, known?: { readonly prevResult?: CniResult | undefined }): Promise<void> {
  if (!isCniVersionAtLeast(list.cniVersion, '0.4.0')) {
    throw new CniError('CHECK_NOT_SUPPORTED', `configuration version "${list.cniVersion}" of network "${list.name}" does not support the CHECK command`, {
      network: list.name,
      command: 'CHECK',
    });
  }
  if (list.disableCheck) return;
  // A caller that keeps the ADD result itself (the pod driver's record) passes it.
  const prevResult = known?.prevResult ?? (await readCachedPrevResult(ctx, list, rt));
  for (const plugin of list.plugins) {
    await runListPlugin(ctx, list, plugin, 'CHECK', rt, buildPluginStdin(list, plugin, { prevResult, capabilityArgs: rt.capabilityArgs }));
  }
}
