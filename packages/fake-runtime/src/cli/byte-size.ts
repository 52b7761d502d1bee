/**
 * Sizes on the command line: a whole number of bytes, or of `KiB`/`MiB` (`1048576`, `512KiB`, `1MiB`).
 */

const UNITS: Readonly<Record<string, number>> = { '': 1, KiB: 1024, MiB: 1024 * 1024 };

/**
 * Parses a size into bytes.
 *
 * @throws {TypeError} when the text is not a positive whole size
 */
export function parseByteSize(text: string): number {
  const match = /^(\d+)(KiB|MiB)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`Expected a size like \`1048576\`, \`512KiB\` or \`1MiB\`, got \`${text}\``);
  }
  return value;
}
