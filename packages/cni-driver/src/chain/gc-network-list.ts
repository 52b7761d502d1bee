/**
 * GC (spec 1.1): DEL stale cached attachments of a network, then send GC to its plugins.
 */
import { isCniVersionAtLeast, parseNetworkConfigList, type NetworkConfigList } from '@multinet/cni-types';
import { listCachedAttachments } from '../cache/result-cache.ts';
import type { ChainContext } from './chain-context.ts';
import { delNetworkList } from './del-network-list.ts';
import { formatJsonLikeGo } from './go-json.ts';
import { runListPlugin } from './run-plugin.ts';

/** An attachment that is still in use: GC must keep it. */
export interface GcAttachment {
  readonly containerId: string;
  readonly ifName: string;
}

/** GC arguments; with `validAttachments` undefined every cached attachment of the network is stale. */
export interface GcArgs {
  readonly validAttachments?: readonly GcAttachment[] | undefined;
}

/**
 * GCs `list` as libcni does: nothing when `disableGC`; DEL of each cached attachment of this
 * network not in the valid set (with the ADD-time config from the cache, falling back to `list`);
 * then, from 1.1.0, `GC` to every plugin with `cni.dev/valid-attachments` (and the legacy
 * duplicate `cni.dev/attachments`). Keeps going past failures and throws them all at the end.
 *
 * @throws {AggregateError} of CniErrors, when anything failed
 */
export async function gcNetworkList(ctx: ChainContext, list: NetworkConfigList, args?: GcArgs): Promise<void> {
  if (list.disableGC) return;
  const errors: unknown[] = [];
  const valid = new Set((args?.validAttachments ?? []).map((a) => `${a.containerId}\0${a.ifName}`));
  const cached = await listCachedAttachments(ctx.cacheDir, undefined, (file, reason) => ctx.logger.warn({ file, reason }, 'cache file not trusted; not acted on')).catch(() => []);
  for (const attachment of cached) {
    if (attachment.network !== list.name) continue;
    if (args?.validAttachments !== undefined && valid.has(`${attachment.containerId}\0${attachment.ifName}`)) continue;
    let cachedList = list;
    try {
      cachedList = parseNetworkConfigList(attachment.configText, { file: attachment.file });
    } catch {
      // SPEC: GC uses the current config when the cached one cannot be read.
    }
    try {
      await delNetworkList(ctx, cachedList, {
        containerId: attachment.containerId,
        netns: attachment.netns ?? '',
        ifName: attachment.ifName,
        args: attachment.cniArgs,
        capabilityArgs: attachment.capabilityArgs,
      });
    } catch (error) {
      errors.push(error);
    }
  }
  if (isCniVersionAtLeast(list.cniVersion, '1.1.0')) {
    const attachments = args?.validAttachments?.map((a) => ({ containerID: a.containerId, ifname: a.ifName }));
    for (const plugin of list.plugins) {
      const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
      if (attachments) {
        conf['cni.dev/valid-attachments'] = attachments;
        conf['cni.dev/attachments'] = attachments; // SPEC: the legacy duplicate key (cni#1101)
      }
      try {
        await runListPlugin(ctx, list, plugin, 'GC', {}, formatJsonLikeGo(conf));
      } catch (error) {
        errors.push(error);
      }
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `GC of network "${list.name}" had ${errors.length} failure(s)`);
}
