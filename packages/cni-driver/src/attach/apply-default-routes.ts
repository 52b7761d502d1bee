/**
 * An attachment's default-route step, part of its setup: right after its ADD succeeded and
 * before it is recorded `added`, so a crash in between leaves it `adding` (DELed and made again
 * by the next reconcile, its interface and routes with it) and a failure is a failed ADD.
 */
import type { CniResult } from '@multinet/cni-types';
import { writeCachedResult } from '../cache/result-cache.ts';
import type { ChainContext, RuntimeConf } from '../chain/chain-context.ts';
import type { PlannedAttachment } from './attachment.ts';
import { editDefaultRoutesInResult } from './default-route-result.ts';
import type { DefaultRouteEditor } from './route-editor.ts';

/**
 * Applies `attachment.defaultRoutes` (when set): removes the interface's default routes of the
 * plan's families and adds the asked gateways in the namespace (through `editor`, which skips a
 * namespace that is not real), and returns the result edited the same way (the libcni cache file
 * too, when the driver writes one). Without a plan the result is returned as it is.
 *
 * @throws {CniError} DEFAULT_ROUTE_FAILED, CACHE_WRITE_FAILED
 */
export async function applyDefaultRoutes(
  editor: DefaultRouteEditor,
  chain: ChainContext,
  attachment: Pick<PlannedAttachment, 'defaultRoutes' | 'configText' | 'networkName'>,
  rt: RuntimeConf,
  result: CniResult | undefined,
): Promise<CniResult | undefined> {
  const plan = attachment.defaultRoutes;
  if (!plan) return result;
  if (plan.removeFamilies.length > 0) await editor.deleteDefaultRoutes(rt.netns, rt.ifName, plan.removeFamilies);
  if (plan.gateways.length > 0) await editor.addDefaultRoutes(rt.netns, rt.ifName, plan.gateways);
  if (!result) return result;
  const edited = editDefaultRoutesInResult(result as Record<string, unknown>, plan) as CniResult;
  if (chain.writeResultCache !== false) {
    await writeCachedResult(chain.cacheDir, {
      containerId: rt.containerId,
      configText: attachment.configText,
      ifName: rt.ifName,
      networkName: attachment.networkName,
      netns: rt.netns,
      cniArgs: rt.args,
      capabilityArgs: rt.capabilityArgs,
      result: edited,
    }, { fsync: chain.cacheFsync });
  }
  return edited;
}
