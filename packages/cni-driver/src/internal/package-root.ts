/**
 * The root of this package on disk, found the same way from `src/` (tests, a checkout) and from
 * `dist/` (an installed tarball), so that data files shipped in the package (native/spawner.c)
 * are found relative to the running file and never relative to a source tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@multinet/cni-driver';
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
 * Returns `undefined` when there is none (the code was copied out of its package).
 */
export function findPackageRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  if (cached !== undefined) return cached;
  for (let dir = from; ; dir = dirname(dir)) {
    if (isOurPackageJson(join(dir, 'package.json'))) return (cached = dir);
    if (dirname(dir) === dir) return undefined;
  }
}
