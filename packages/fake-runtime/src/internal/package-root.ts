/**
 * The root of this package on disk, found the same way from `src/` (tests, a checkout) and from
 * `dist/` (an installed tarball, where tsup may have moved the code into a chunk at any depth).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@multinet/fake-runtime';
let cached: string | undefined;

function isOurPackageJson(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * Walks up from this module to the directory whose package.json names this package.
 *
 * @throws {Error} when the file does not sit inside the package (a broken install)
 */
export function findPackageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  if (cached !== undefined) return cached;
  for (let dir = from; ; dir = dirname(dir)) {
    if (isOurPackageJson(join(dir, 'package.json'))) return (cached = dir);
    if (dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package directory above ${from}`);
  }
}

/** This package's version, from its package.json. */
export function readPackageVersion(): string {
  const json = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof json.version === 'string' ? json.version : '0.0.0';
}
