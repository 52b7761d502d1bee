/**
 * The automatic interface names of the formats that number `<prefix><n>` around explicit names.
 * Pure.
 */

/**
 * Names for the unnamed entries of a list: `index` gives entry i `<prefix><i>` (or the next free
 * number when an explicit name took it, as the patch and ocicni do); `next-free` gives each the
 * lowest free number (CNI-Genie). Explicit entries keep their names.
 */
export function buildNumberedNames(explicit: ReadonlyArray<string | undefined>, prefix: string, mode: 'index' | 'next-free'): string[] {
  const used = new Set(explicit.filter((n): n is string => n !== undefined));
  return explicit.map((name, index) => {
    if (name !== undefined) return name;
    let n = mode === 'index' ? index : 0;
    while (used.has(`${prefix}${n}`)) n++;
    used.add(`${prefix}${n}`);
    return `${prefix}${n}`;
  });
}
