/**
 * Interface names of a pod's attachments. Pure.
 */
import { CniError, validateInterfaceName, type FreeNameRule } from '@multinet/cni-types';
import type { AttachmentRef } from '../attach/attachment.ts';

/** What names are already taken in a running sandbox, and how the format names new ones. */
export interface InterfaceNameOptions {
  /** The network reference of each selection (`namespace/name`), for matching existing attachments. */
  readonly refs?: readonly string[] | undefined;
  /** The attachments the sandbox already has (its record): their names are never changed. */
  readonly existing?: readonly AttachmentRef[] | undefined;
  /** How the format names a new unnamed interface in a running sandbox. @default `eth`, from 0 */
  readonly freeName?: FreeNameRule | undefined;
}

/** One entry to name: an explicit name, and the format's name for it in a new sandbox. */
export interface InterfaceNameRequest {
  readonly ifName?: string | undefined;
  /** The format's name in a new sandbox; without it, `eth<index>` (skipping taken names). */
  readonly autoIfName?: string | undefined;
}

/**
 * Names each selection's interface.
 *
 * - Explicit names are validated and used as they are; the same name twice is a conflict.
 * - In a new sandbox, the rest get the format's name (`autoIfName`); without one, `eth<index in
 *   the list>`, skipping to the next free `eth<n>` when an explicit name took it (as ocicni does).
 * - In a running sandbox, existing interfaces are never renamed: an unnamed selection of a network
 *   the sandbox already has keeps that attachment's name; a new one gets the format's lowest free
 *   name (`<prefix><n ≥ start>`; names of every existing attachment count as taken until it is gone).
 *
 * @throws {CniError} INTERFACE_NAME_INVALID, INTERFACE_NAME_CONFLICT — before anything runs
 */
export function assignInterfaceNames(selections: readonly InterfaceNameRequest[], options: InterfaceNameOptions = {}): string[] {
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
  const rule = options.freeName ?? { prefix: 'eth', start: 0 };
  const final = names.map((name, index) => {
    if (name !== undefined) return name;
    const auto = selections[index]!.autoIfName;
    if (existing.length === 0 && auto !== undefined) return auto;
    const prefix = existing.length === 0 ? 'eth' : rule.prefix;
    let n = existing.length === 0 ? index : rule.start;
    while (used.has(`${prefix}${n}`)) n++;
    used.add(`${prefix}${n}`);
    return `${prefix}${n}`;
  });
  const seen = new Set<string>();
  for (const name of final) {
    if (seen.has(name)) throw new CniError('INTERFACE_NAME_CONFLICT', `interface name "${name}" would be used by two attachments of one pod`, { ifName: name });
    seen.add(name);
  }
  return final;
}
