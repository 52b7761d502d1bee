/**
 * DEL: run a network config list's plugins in reverse, with the cached result as `prevResult`.
 */
import { convertResult, isCniError, isCniVersionAtLeast, type CniResult, type NetworkConfigList } from '@multinet/cni-types';
import { removeCachedResult } from '../cache/result-cache.ts';
import { readCachedPrevResult } from './cached-prev-result.ts';
import type { ChainCallOptions, ChainContext, RuntimeConf } from './chain-context.ts';
import { buildPluginStdin } from './plugin-stdin.ts';
import { runListPlugin } from './run-plugin.ts';

/**
 * DELs `list` for `rt`: plugins in reverse order. From 0.4.0 each gets the cached ADD result
 * (converted to the list's version) as `prevResult`; a corrupt or unconvertible cache entry is
 * removed and DEL goes on without it (libcni PR #1171). The first failure stops the chain and
 * the cache stays, so a retry gets the same `prevResult`; after success the cache is removed.
 *
 * `options.stdinGate` holds the first plugin's config back (see {@link ChainCallOptions}).
 *
 * @throws {CniError} every plugin error code
 */
export async function delNetworkList(ctx: ChainContext, list: NetworkConfigList, rt: RuntimeConf, options: ChainCallOptions = {}): Promise<void> {
  let prevResult: CniResult | undefined;
  // The caller's own copy of the ADD result (the pod driver's record), when it has one.
  const known = isCniVersionAtLeast(list.cniVersion, '0.4.0') ? await ctx.readKnownResult?.(list, rt) : undefined;
  if (known) {
    try {
      prevResult = known.prevResult && convertResult(known.prevResult, list.cniVersion);
    } catch (error) {
      if (!isCniError(error)) throw error;
      ctx.logger.warn({ network: list.name, ifName: rt.ifName, err: error }, 'DEL goes on without a prevResult that cannot be converted');
    }
  } else if (isCniVersionAtLeast(list.cniVersion, '0.4.0')) {
    try {
      prevResult = await readCachedPrevResult(ctx, list, rt);
    } catch (error) {
      if (!isCniError(error)) throw error;
      ctx.logger.warn({ network: list.name, ifName: rt.ifName, err: error }, 'ignoring a corrupt result cache entry on DEL');
      await removeCachedResult(ctx.cacheDir, list.name, rt.containerId, rt.ifName);
    }
  }
  for (const [index, plugin] of [...list.plugins].reverse().entries()) {
    const stdin = buildPluginStdin(list, plugin, { prevResult, capabilityArgs: rt.capabilityArgs });
    await runListPlugin(ctx, list, plugin, 'DEL', rt, stdin, index === 0 ? options.stdinGate : undefined);
  }
  // Also when the driver writes no cache: a file an earlier version wrote must not outlive the DEL.
  await removeCachedResult(ctx.cacheDir, list.name, rt.containerId, rt.ifName);
}
