/**
 * A record is trusted only after the same checks as a request: teardown runs plugins from it, so
 * a record that was planted or tampered with (a recomputed checksum passes) must not be able to
 * name another sandbox, a path as an interface or plugin, or a file outside the state dir.
 */
import { parseNetworkConfigList, validateContainerId, validateInterfaceName, validateNetworkName } from '@multinet/cni-types';
import { validatePluginType } from '../invoke/plugin-path.ts';
import type { PodRecord } from './sandbox-record.ts';

/**
 * Checks a record against the key it is stored under and against the rules of a request.
 *
 * @throws {CniError} CONTAINER_ID_INVALID (or naming another sandbox), INTERFACE_NAME_INVALID,
 *   NETWORK_NAME_INVALID, PLUGIN_TYPE_INVALID, CONFIG_INVALID, NETNS_UNSAFE
 */
export function checkPodRecord(record: PodRecord, key: string): void {
  validateContainerId(record.sandboxId);
  if (record.sandboxId !== key) throw new Error(`the record of sandbox ${key} names sandbox ${record.sandboxId}`);
  if (!record.netns.startsWith('/') || /[\0\n]/.test(record.netns)) throw new Error(`netns ${JSON.stringify(record.netns)} is not an absolute path`);
  for (const attachment of record.attachments) {
    validateInterfaceName(attachment.ifName);
    validateNetworkName(attachment.networkName);
    const list = parseNetworkConfigList(attachment.configText);
    if (list.name !== attachment.networkName) throw new Error(`attachment ${attachment.ifName} names network ${attachment.networkName} but its config is ${list.name}`);
    for (const plugin of list.plugins) validatePluginType(plugin.type, { network: list.name });
  }
}
