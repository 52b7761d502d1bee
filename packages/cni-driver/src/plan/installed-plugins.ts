/**
 * Every plugin a new attachment will run must be installed before its pod is touched: an ADD
 * whose plugin is missing would leave a record whose DEL fails forever (DEL runs the same
 * plugins, the missing one first), and a pod that can never be torn down. Pure.
 */
import { CniError, parseNetworkConfigList } from '@multinet/cni-types';
import type { PlannedAttachment } from '../attach/attachment.ts';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';

/**
 * Throws for the first attachment not yet made (`existing` holds those that are) that names a
 * plugin the catalog's plugin dirs do not hold. Attachments already made are left alone: their
 * plugin may be back by the time they are torn down.
 *
 * @throws {CniError} PLUGIN_NOT_FOUND, naming the network, the plugin and the dirs searched
 */
export function requireInstalledPlugins(
  attachments: readonly PlannedAttachment[],
  existing: readonly PlannedAttachment[] | undefined,
  catalog: Pick<CatalogSnapshot, 'plugins'>,
): void {
  for (const attachment of attachments) {
    const made = existing?.some((a) => a.network === attachment.network && a.ifName === attachment.ifName && a.configText === attachment.configText);
    if (made) continue;
    for (const plugin of parseNetworkConfigList(attachment.configText).plugins) {
      if (catalog.plugins.has(plugin.type)) continue;
      throw new CniError(
        'PLUGIN_NOT_FOUND',
        `network "${attachment.network}" (interface ${attachment.ifName}) needs plugin "${plugin.type}", which is not in the plugin dirs; nothing was run`,
        { plugin: plugin.type, network: attachment.network, ifName: attachment.ifName },
      );
    }
  }
}
