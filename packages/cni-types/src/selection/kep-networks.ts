/**
 * KEP-3698's `spec.networks`: `podNetworkName` (the KEP's YAML also writes `podNetwork`) or
 * `podNetworkAttachmentName`, `interfaceName`, `isDefaultGW4`/`isDefaultGW6`, with the KEP's
 * static validation. Entries in order; `interfaceName`, else `eth0` for the first and
 * `net<index>` for the others. Pure.
 */
import { describeJson, failSelection, isDnsSubdomain, readBoolean, readObject, readString, validateIfName } from './selection-fields.ts';
import type { WantedAttachment } from './wanted-attachment.ts';

/** Where KEP-3698 puts the selection. */
export const KEP_NETWORKS_FIELD = 'spec.networks';
/** The cluster default PodNetwork's name. */
export const DEFAULT_POD_NETWORK = 'default';

function readName(where: string, field: string, value: unknown): string | undefined {
  const name = readString(where, field, value);
  if (name === undefined || name === '') return undefined;
  if (!isDnsSubdomain(name)) failSelection(where, field, `${JSON.stringify(name)} is not a DNS-1123 subdomain`);
  return name;
}

/**
 * Parses `spec.networks`. An empty list is the KEP's default, `[{podNetworkName: default}]`.
 * The pod IPs come from the entry with `isDefaultGW4`/`isDefaultGW6`, else the first; that entry
 * carries `defaultGatewayFamilies`, so the other attachments lose their default routes of its
 * families.
 *
 * @throws {CniError} SELECTION_INVALID, INTERFACE_NAME_INVALID, INTERFACE_NAME_CONFLICT
 */
export function parseKepNetworks(networks: readonly unknown[] | unknown, podNamespace: string): WantedAttachment[] {
  const where = `pod ${KEP_NETWORKS_FIELD}`;
  if (!Array.isArray(networks)) failSelection(where, KEP_NETWORKS_FIELD, `expected a list, got ${describeJson(networks)}`);
  const list: readonly unknown[] = networks.length === 0 ? [{ podNetworkName: DEFAULT_POD_NETWORK }] : networks;
  const seenNetworks = new Set<string>();
  const seenIfNames = new Set<string>();
  let gw4: number | undefined;
  let gw6: number | undefined;
  const entries = list.map((raw, i) => {
    const at = `${KEP_NETWORKS_FIELD}[${i}]`;
    const entry = readObject(where, at, raw);
    const podNetwork = readName(where, `${at}.podNetworkName`, entry['podNetworkName']) ?? readName(where, `${at}.podNetwork`, entry['podNetwork']);
    const attachment = readName(where, `${at}.podNetworkAttachmentName`, entry['podNetworkAttachmentName']);
    if ((podNetwork === undefined) === (attachment === undefined)) {
      failSelection(where, at, 'exactly one of podNetworkName and podNetworkAttachmentName is required');
    }
    if (podNetwork !== undefined) {
      if (seenNetworks.has(podNetwork)) failSelection(where, `${at}.podNetworkName`, `PodNetwork ${JSON.stringify(podNetwork)} is referenced more than once`);
      seenNetworks.add(podNetwork);
    }
    const ifName = readString(where, `${at}.interfaceName`, entry['interfaceName']) || undefined;
    if (ifName !== undefined) {
      validateIfName(where, `${at}.interfaceName`, ifName);
      if (seenIfNames.has(ifName)) failSelection(where, `${at}.interfaceName`, `${JSON.stringify(ifName)} is used by another entry`);
      seenIfNames.add(ifName);
    }
    if (readBoolean(where, `${at}.isDefaultGW4`, entry['isDefaultGW4'])) {
      if (gw4 !== undefined) failSelection(where, `${at}.isDefaultGW4`, `only one entry may set it (entry ${gw4} does)`);
      gw4 = i;
    }
    if (readBoolean(where, `${at}.isDefaultGW6`, entry['isDefaultGW6'])) {
      if (gw6 !== undefined) failSelection(where, `${at}.isDefaultGW6`, `only one entry may set it (entry ${gw6} does)`);
      gw6 = i;
    }
    return { podNetwork, attachment, ifName };
  });
  const primary = gw4 ?? gw6 ?? 0;
  return entries.map((e, i): WantedAttachment => {
    const families = [...(gw4 === i ? [4 as const] : []), ...(gw6 === i ? [6 as const] : [])];
    return {
      ref: e.podNetwork !== undefined ? { kind: 'pod-network', name: e.podNetwork } : { kind: 'pod-network-attachment', namespace: podNamespace, name: e.attachment! },
      ...(e.ifName !== undefined ? { ifName: e.ifName } : {}),
      autoIfName: i === 0 ? 'eth0' : `net${i}`,
      isDefault: i === primary,
      ...(families.length > 0 ? { defaultGatewayFamilies: families } : {}),
    };
  });
}
