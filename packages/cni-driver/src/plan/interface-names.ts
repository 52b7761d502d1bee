/**
 * Interface names of a pod's attachments. Pure.
 */
import { CniError, validateInterfaceName, type NetworkSelection } from '@multinet/cni-types';

/**
 * `eth<index in the list>` for entries without an explicit name, as the 2017 patch; explicit
 * names (`net@ifname`) are validated. An automatic name that an explicit one already took is
 * skipped to the next free `eth<n>` (as ocicni does), so a pod never gets two equal names.
 *
 * @throws {CniError} INTERFACE_NAME_INVALID, INTERFACE_NAME_CONFLICT — before anything runs
 */
export function assignInterfaceNames(selections: readonly Pick<NetworkSelection, 'name' | 'ifName'>[]): string[] {
  const explicit = new Set<string>();
  for (const selection of selections) {
    if (selection.ifName === undefined) continue;
    validateInterfaceName(selection.ifName);
    if (explicit.has(selection.ifName)) {
      throw new CniError('INTERFACE_NAME_CONFLICT', `interface name "${selection.ifName}" is asked for twice in one pod`, { ifName: selection.ifName });
    }
    explicit.add(selection.ifName);
  }
  const used = new Set(explicit);
  return selections.map((selection, index) => {
    if (selection.ifName !== undefined) return selection.ifName;
    let n = index;
    while (used.has(`eth${n}`)) n++;
    used.add(`eth${n}`);
    return `eth${n}`;
  });
}
