/**
 * The 2017 kubelet patch's `alpha.network.k8s.io/networks` annotation: `a,b,c`, exhaustive, the
 * first is the default network, `eth<index>`. We also read `name@ifname` and `namespace/name`
 * and trim whitespace (the patch did not). Pure.
 */
import { buildNumberedNames } from './auto-names.ts';
import { failSelection, validateIfName } from './selection-fields.ts';
import type { WantedAttachment } from './wanted-attachment.ts';

/** The 2017 patch's selection annotation. */
export const ALPHA_NETWORKS_ANNOTATION = 'alpha.network.k8s.io/networks';

/** One entry of a comma-form annotation. */
export interface CommaEntry {
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly ifName?: string | undefined;
}

/**
 * Splits the comma form: `name`, `name@ifname`, `namespace/name`, `namespace/name@ifname`, each
 * entry and part trimmed; an empty entry or part is an error.
 *
 * @throws {CniError} SELECTION_INVALID naming the annotation and the entry
 */
export function parseCommaEntries(where: string, text: string): CommaEntry[] {
  return text.split(',').map((raw, index) => {
    const field = `entry ${index + 1}`;
    const entry = raw.trim();
    if (entry === '') failSelection(where, field, `is empty in ${JSON.stringify(text)}`);
    const at = entry.split('@');
    if (at.length > 2) failSelection(where, field, `${JSON.stringify(entry)} has more than one "@"`);
    const ref = at[0]!.trim();
    const ifName = at.length === 2 ? at[1]!.trim() : undefined;
    const slash = ref.split('/');
    if (slash.length > 2) failSelection(where, field, `${JSON.stringify(entry)} has more than one "/"`);
    const namespace = slash.length === 2 ? slash[0]!.trim() : undefined;
    const name = slash[slash.length - 1]!.trim();
    if (name === '' || namespace === '' || ifName === '') failSelection(where, field, `${JSON.stringify(entry)} is not name, name@ifname or namespace/name[@ifname]`);
    if (ifName !== undefined) validateIfName(where, `${field} interface`, ifName);
    return { ...(namespace !== undefined ? { namespace } : {}), name, ...(ifName !== undefined ? { ifName } : {}) };
  });
}

/**
 * Parses the patch's annotation into wanted attachments (in the pod's namespace unless named).
 *
 * @throws {CniError} SELECTION_INVALID, INTERFACE_NAME_INVALID
 */
export function parseAlphaNetworks(text: string, podNamespace: string): WantedAttachment[] {
  const entries = parseCommaEntries(`${ALPHA_NETWORKS_ANNOTATION} annotation`, text);
  const names = buildNumberedNames(entries.map((e) => e.ifName), 'eth', 'index');
  return entries.map((e, i) => ({
    ref: { kind: 'network', namespace: e.namespace ?? podNamespace, name: e.name },
    ...(e.ifName !== undefined ? { ifName: e.ifName } : {}),
    autoIfName: names[i]!,
    isDefault: i === 0,
  }));
}
