/**
 * The cached ADD result of an attachment, converted to the list's version, for DEL and CHECK.
 */
import { convertResult, parseResult, type CniResult, type NetworkConfigList } from '@multinet/cni-types';
import { readCachedResult } from '../cache/result-cache.ts';
import type { ChainContext, RuntimeConf } from './chain-context.ts';

/**
 * Reads the cached result (`undefined` when there is none) and converts it to the list's
 * version.
 *
 * @throws {CniError} CACHE_INVALID, RESULT_INVALID, RESULT_CONVERSION_FAILED
 */
export async function readCachedPrevResult(ctx: ChainContext, list: NetworkConfigList, rt: RuntimeConf): Promise<CniResult | undefined> {
  const cached = await readCachedResult(ctx.cacheDir, list.name, rt.containerId, rt.ifName);
  if (!cached) return undefined;
  const raw = cached.kind === 'v1' ? cached.record.result : cached.result;
  if (raw === undefined) return undefined;
  return convertResult(parseResult(raw, { cniVersion: list.cniVersion, source: 'the result cache' }), list.cniVersion);
}
