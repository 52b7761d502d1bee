/**
 * Interface names of a pod's attachments. Pure.
 */
import { CniError, validateInterfaceName, type NetworkSelection } from '@multinet/cni-types';
import type { AttachmentRef } from '../attach/attachment.ts';

/** What names are already taken in a running sandbox. */
export interface InterfaceNameOptions {
  /** The network reference of each selection (`namespace/name`), for matching existing attachments. */
  readonly refs?: readonly string[] | undefined;
  /** The attachments the sandbox already has (its record): their names are never changed. */
  readonly existing?: readonly AttachmentRef[] | undefined;
}

/**
 * Names each selection's interface.
 *
 * - Explicit names (`net@ifname`) are validated and used as they are.
 * - In a new sandbox, the rest get `eth<index in the list>`, as the 2017 patch does; an automatic
 *   name that an explicit one already took is skipped to the next free `eth<n>` (as ocicni does).
 * - In a running sandbox, existing interfaces are never renamed: an unnamed selection of a network
 *   the sandbox already has keeps that attachment's name; a new one gets the lowest free `eth<n>`
 *   (names of every existing attachment count as taken until it is gone).
 *
 * @throws {CniError} INTERFACE_NAME_INVALID, INTERFACE_NAME_CONFLICT — before anything runs
 */
export function assignInterfaceNames(selections: readonly Pick<NetworkSelection, 'name' | 'ifName'>[], options: InterfaceNameOptions = {}): string[] {
  const explicit = new Set<string>();
  for (const selection of selections) {
    if (selection.ifName === undefined) continue;
    validateInterfaceName(selection.ifName);
    if (selection.ifName === 'lo') {
      throw new CniError('INTERFACE_NAME_CONFLICT', 'interface name "lo" is the namespace\'s loopback; a network cannot be attached on it', { ifName: 'lo' });
    }
    if (explicit.has(selection.ifName)) {
      throw new CniError('INTERFACE_NAME_CONFLICT', `interface name "${selection.ifName}" is asked for twice in one pod`, { ifName: selection.ifName });
    }
    explicit.add(selection.ifName);
  }
  const existing = options.existing ?? [];
  const used = new Set([...explicit, ...existing.map((a) => a.ifName)]);
  const reusable = existing.filter((a) => !explicit.has(a.ifName));
  const claimed = new Set<AttachmentRef>();
  const names: Array<string | undefined> = selections.map((selection, index) => {
    if (selection.ifName !== undefined) return selection.ifName;
    const ref = options.refs?.[index];
    const match = ref === undefined ? undefined : reusable.find((a) => a.network === ref && !claimed.has(a));
    if (!match) return undefined;
    claimed.add(match);
    return match.ifName;
  });
  return names.map((name, index) => {
    if (name !== undefined) return name;
    let n = existing.length === 0 ? index : 0;
    while (used.has(`eth${n}`)) n++;
    used.add(`eth${n}`);
    return `eth${n}`;
  });
}
