/**
 * NPWG's `k8s.v1.cni.cncf.io/networks` (comma and JSON forms) and Multus'
 * `v1.multus-cni.io/default-network`, parsed and validated as Multus does. The cluster default
 * network comes first on `eth0`; each listed attachment follows on its `interface` or on
 * `net<position>` (1-based, as Multus' `getIfname`). Pure.
 */
import { parseCommaEntries } from './alpha-networks.ts';
import { parseRuntimeConfigFields, validateDefaultRoutes } from './runtime-config-fields.ts';
import { failSelection, parseJsonText, readObject, readString, validateDnsLabel, validateIfName } from './selection-fields.ts';
import type { WantedAttachment } from './wanted-attachment.ts';

/** The NPWG selection annotation. */
export const NPWG_NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
/** Multus' per-pod replacement of the cluster default network. */
export const MULTUS_DEFAULT_NETWORK_ANNOTATION = 'v1.multus-cni.io/default-network';
/** Multus' namespace for default-network references without one (`multusNamespace`). */
export const MULTUS_NAMESPACE = 'kube-system';

interface Element {
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly ifName?: string | undefined;
  readonly extra: Omit<WantedAttachment, 'ref' | 'ifName' | 'autoIfName' | 'isDefault'>;
}

function parseJsonElements(where: string, text: string): Element[] {
  const value = parseJsonText(where, text);
  const list = Array.isArray(value) ? value : [value];
  return list.map((raw, i) => {
    const at = `[${i}]`;
    const element = readObject(where, at, raw);
    const name = readString(where, `${at}.name`, element['name']);
    if (name === undefined || name === '') failSelection(where, `${at}.name`, 'is required');
    validateDnsLabel(where, `${at}.name`, name);
    const namespace = readString(where, `${at}.namespace`, element['namespace']);
    if (namespace) validateDnsLabel(where, `${at}.namespace`, namespace);
    // Multus: the pre-3.2 `interfaceRequest` is used when `interface` is empty.
    const iface = readString(where, `${at}.interface`, element['interface']) || readString(where, `${at}.interfaceRequest`, element['interfaceRequest']);
    if (iface) validateIfName(where, `${at}.interface`, iface);
    if (element['ipam-claim-reference'] !== undefined && element['ips'] !== undefined) {
      failSelection(where, `${at}.ipam-claim-reference`, 'cannot be combined with ips');
    }
    return { ...(namespace ? { namespace } : {}), name, ...(iface ? { ifName: iface } : {}), extra: parseRuntimeConfigFields(where, at, element) };
  });
}

function parseCommaElements(where: string, text: string): Element[] {
  return parseCommaEntries(where, text).map((e, i) => {
    validateDnsLabel(where, `entry ${i + 1} name`, e.name);
    if (e.namespace !== undefined) validateDnsLabel(where, `entry ${i + 1} namespace`, e.namespace);
    return { ...e, extra: {} };
  });
}

/** Multus' test for the JSON form: the text contains any of `[`, `{`, `"`. */
const isJsonForm = (text: string): boolean => /[[{"]/.test(text);

function parseElements(where: string, text: string): Element[] {
  if (text.trim() === '') failSelection(where, '(value)', 'is empty');
  return isJsonForm(text) ? parseJsonElements(where, text) : parseCommaElements(where, text);
}

/**
 * Parses the NPWG annotations of a pod: the cluster default network (or the NAD the
 * default-network annotation names, in `kube-system` unless namespaced) on `eth0`, then each
 * element. `'[]'` asks for the default network alone.
 *
 * @throws {CniError} SELECTION_INVALID, INTERFACE_NAME_INVALID — naming the annotation and field
 */
export function parseNpwgNetworks(annotations: Readonly<Record<string, string>>, podNamespace: string): WantedAttachment[] {
  const where = `${NPWG_NETWORKS_ANNOTATION} annotation`;
  const text = annotations[NPWG_NETWORKS_ANNOTATION];
  const elements = text === undefined ? [] : parseElements(where, text);
  validateDefaultRoutes(where, elements.map((e) => e.extra));
  const defaultText = annotations[MULTUS_DEFAULT_NETWORK_ANNOTATION];
  let first: WantedAttachment = { ref: { kind: 'cluster-default', name: '' }, autoIfName: 'eth0', isDefault: true };
  if (defaultText !== undefined && defaultText.trim() !== '') {
    const dwhere = `${MULTUS_DEFAULT_NETWORK_ANNOTATION} annotation`;
    const chosen = parseElements(dwhere, defaultText);
    if (chosen.length !== 1) failSelection(dwhere, '(value)', `more than one default network is specified: ${JSON.stringify(defaultText)}`);
    const [d] = chosen as [Element];
    first = { ref: { kind: 'nad', namespace: d.namespace ?? MULTUS_NAMESPACE, name: d.name }, autoIfName: 'eth0', isDefault: true, ...d.extra };
  }
  return [
    first,
    ...elements.map((e, i): WantedAttachment => ({
      ref: { kind: 'nad', namespace: e.namespace ?? podNamespace, name: e.name },
      ...(e.ifName !== undefined ? { ifName: e.ifName } : {}),
      autoIfName: `net${i + 1}`,
      isDefault: false,
      ...e.extra,
    })),
  ];
}
