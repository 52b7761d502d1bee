/**
 * CNI spec versions: parsing, comparison, and choosing a common one.
 */
import { CniError } from '../errors.ts';

/** Every spec version this library speaks, oldest first. */
export const CNI_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** A spec version this library speaks. */
export type CniVersion = (typeof CNI_VERSIONS)[number];

/** The newest spec version this library speaks. */
export const CURRENT_CNI_VERSION: CniVersion = '1.1.0';

/**
 * Parses a version like libcni's `ParseVersion`: `''` means `0.1.0`, `1.0` means `1.0.0`, at most
 * three numeric parts. Returns the normalized `x.y.z`.
 *
 * @throws {CniError} VERSION_INVALID
 */
export function parseCniVersion(text: string): string {
  if (text === '') return '0.1.0';
  const parts = text.split('.');
  if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new CniError('VERSION_INVALID', `invalid CNI version "${text}": expected x, x.y or x.y.z with numeric parts`, {
      versions: { wanted: text },
    });
  }
  while (parts.length < 3) parts.push('0');
  return parts.map((p) => String(Number(p))).join('.');
}

function numbers(version: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = parseCniVersion(version).split('.').map(Number);
  return [a, b, c];
}

/**
 * Compares two versions numerically.
 *
 * @throws {CniError} VERSION_INVALID
 */
export function compareCniVersions(a: string, b: string): -1 | 0 | 1 {
  const x = numbers(a);
  const y = numbers(b);
  for (let i = 0; i < 3; i++) {
    if (x[i]! !== y[i]!) return x[i]! < y[i]! ? -1 : 1;
  }
  return 0;
}

/** True when `version` ≥ `min`. @throws {CniError} VERSION_INVALID */
export function isCniVersionAtLeast(version: string, min: string): boolean {
  return compareCniVersions(version, min) >= 0;
}

/** True when the (normalized) version is one this library speaks. */
export function isKnownCniVersion(version: string): version is CniVersion {
  try {
    return (CNI_VERSIONS as readonly string[]).includes(parseCniVersion(version));
  } catch {
    return false;
  }
}

/**
 * The highest version in both lists (compared numerically), or `undefined` when they share none.
 * Unparseable entries are ignored.
 */
export function selectHighestCommonVersion(ours: readonly string[], theirs: readonly string[]): string | undefined {
  const normalize = (list: readonly string[]): Set<string> =>
    new Set(
      list.flatMap((v) => {
        try {
          return [parseCniVersion(v)];
        } catch {
          return [];
        }
      }),
    );
  const mine = normalize(ours);
  const common = [...normalize(theirs)].filter((v) => mine.has(v));
  return common.sort(compareCniVersions).at(-1);
}
