/**
 * CNI-Genie's `cni` annotation: `weave,canal` or `weave@eth1,flannel`. Exhaustive list of
 * plugin names; unnamed entries get the lowest free `eth<N>`, skipping names taken explicitly
 * (`Repeated request for same interface name` otherwise). Pure.
 */
import { CniError } from '../errors.ts';
import { parseCommaEntries } from './alpha-networks.ts';
import { buildNumberedNames } from './auto-names.ts';
import { failSelection } from './selection-fields.ts';
import type { WantedAttachment } from './wanted-attachment.ts';

/** CNI-Genie's selection annotation. */
export const GENIE_CNI_ANNOTATION = 'cni';

/**
 * Parses the `cni` annotation (a plugin name has no namespace).
 *
 * @throws {CniError} SELECTION_INVALID, INTERFACE_NAME_INVALID, INTERFACE_NAME_CONFLICT
 */
export function parseGenieCni(text: string): WantedAttachment[] {
  const where = `${GENIE_CNI_ANNOTATION} annotation`;
  const entries = parseCommaEntries(where, text);
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    if (e.namespace !== undefined) failSelection(where, `entry ${i + 1}`, `a plugin name has no namespace, got ${JSON.stringify(`${e.namespace}/${e.name}`)}`);
    if (e.ifName === undefined) return;
    if (seen.has(e.ifName)) {
      throw new CniError('INTERFACE_NAME_CONFLICT', `invalid ${where}: entry ${i + 1} interface: Repeated request for same interface name: ${e.ifName}`, { ifName: e.ifName });
    }
    seen.add(e.ifName);
  });
  const names = buildNumberedNames(entries.map((e) => e.ifName), 'eth', 'next-free');
  return entries.map((e, i) => ({
    ref: { kind: 'genie-plugin', name: e.name },
    ...(e.ifName !== undefined ? { ifName: e.ifName } : {}),
    autoIfName: names[i]!,
    isDefault: i === 0,
  }));
}
