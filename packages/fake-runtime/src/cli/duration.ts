/**
 * Durations on the command line: `2s`, `500ms`, `1m`, or a bare number of milliseconds.
 *
 * Kept hand-written rather than taking `ms` (reviewed for issue 10): `ms` would still need this
 * function around it — it returns `undefined` for text it cannot read, accepts negative and zero
 * durations (`-1s` is -1000), and reads units a sync interval has no use for (`2 days`, `1y`,
 * `1.5 h` with a space) — so the wrapper would be as long as the parser, plus a dependency. Here
 * the grammar is exactly the one `--interval` documents, and every refusal is one `TypeError`
 * with our message.
 */

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Parses a duration into milliseconds.
 *
 * @throws {TypeError} when the text is not a positive duration
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Expected a duration like \`2s\` or \`500ms\`, got \`${text}\``);
  }
  return value;
}
