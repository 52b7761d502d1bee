/**
 * Multus' 2017 `networks` annotation: a JSON list of `{"name": …}` naming `kubernetes.com/v1`
 * Network objects. The first network is on `eth0`, the others on `net0`, `net1`, … (its README:
 * "rest of plugins … invoke interfaces as net0, net1"); a network's `args` may name an interface,
 * which planning applies. Pure.
 */
import { failSelection, parseJsonText, readObject, readString, validateDnsLabel } from './selection-fields.ts';
import type { WantedAttachment } from './wanted-attachment.ts';

/** Multus-2017's selection annotation (the key is just `networks`). */
export const MULTUS2017_NETWORKS_ANNOTATION = 'networks';

/**
 * Parses the 2017 `networks` annotation.
 *
 * @throws {CniError} SELECTION_INVALID naming the annotation and the field
 */
export function parseMultus2017Networks(text: string, podNamespace: string): WantedAttachment[] {
  const where = `${MULTUS2017_NETWORKS_ANNOTATION} annotation`;
  const value = parseJsonText(where, text);
  if (!Array.isArray(value)) failSelection(where, '(value)', 'expected a JSON list of {"name": …}');
  if (value.length === 0) failSelection(where, '(value)', 'the list is empty');
  return value.map((raw, i): WantedAttachment => {
    const element = readObject(where, `[${i}]`, raw);
    const name = readString(where, `[${i}].name`, element['name']);
    if (!name) failSelection(where, `[${i}].name`, 'is required');
    validateDnsLabel(where, `[${i}].name`, name);
    return { ref: { kind: 'multus-network', namespace: podNamespace, name }, autoIfName: i === 0 ? 'eth0' : `net${i - 1}`, isDefault: i === 0 };
  });
}
