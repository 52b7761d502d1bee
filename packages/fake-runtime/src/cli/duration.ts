/**
 * Durations on the command line: `2s`, `500ms`, `1m`, or a bare number of milliseconds.
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
