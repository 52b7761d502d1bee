/**
 * Which entries of a conf dir are network config files, and in which order.
 */

/** The extensions of network config files, as libcni, ocicni and the 2017 patch use them. */
export const CONF_EXTENSIONS = ['.conf', '.conflist', '.json'] as const;

/**
 * Picks the network config files among directory entry names and sorts them in byte order
 * (`10-x` before `9-x`, upper case before lower case), as libcni's `ConfFiles` + `sort.Strings`.
 * Dot files (editor swap files, our own temp files) are ignored; the extension must match exactly
 * (case-sensitive), so `x.conflist.bak` and `x.CONF` are not network configs.
 */
export function selectConfFiles(names: Iterable<string>): string[] {
  const picked: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (CONF_EXTENSIONS.some((ext) => name.endsWith(ext) && name.length > ext.length)) picked.push(name);
  }
  return picked.sort(compareBytes);
}

/** Byte-order comparison of two strings (Go's `sort.Strings` on UTF-8). */
export function compareBytes(a: string, b: string): number {
  // ASCII (nearly every file name): UTF-16 order is byte order, and no allocation is needed.
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const ASCII = /^[\x00-\x7f]*$/;
