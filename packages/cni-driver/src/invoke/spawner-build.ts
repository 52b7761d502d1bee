/**
 * Building the spawner helper: compiled from native/spawner.c with the system C compiler on first
 * use, into a cache dir keyed by the source's hash (atomic: temp name, then rename).
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CniError } from '@multinet/cni-types';

const run = promisify(execFile);

/** Where the C source ships: `<package>/native/spawner.c`. */
export const SPAWNER_SOURCE = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'native', 'spawner.c');

/**
 * The path of a built helper, compiling it when missing.
 *
 * @throws {CniError} PLUGIN_SPAWN_FAILED when there is no C compiler or the build fails
 */
export async function buildSpawner(cacheDir?: string): Promise<string> {
  const source = await readFile(SPAWNER_SOURCE).catch((error: unknown) => {
    throw new CniError('PLUGIN_SPAWN_FAILED', `the spawner source ${SPAWNER_SOURCE} is missing`, {}, { cause: error });
  });
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = cacheDir ?? process.env['MULTINET_CACHE_DIR'] ?? join(tmpdir(), `multinet-${process.getuid?.() ?? 'user'}`);
  const binary = join(dir, `multinet-spawner-${hash}`);
  if (await access(binary, constants.X_OK).then(() => true, () => false)) return binary;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${binary}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await run(process.env['CC'] ?? 'cc', ['-O2', '-o', temp, SPAWNER_SOURCE], { timeout: 60_000 });
    await rename(temp, binary);
  } catch (error) {
    await rm(temp, { force: true });
    throw new CniError('PLUGIN_SPAWN_FAILED', `cannot build the spawner helper (${(error as Error).message}); use the execa executor instead`, {}, { cause: error });
  }
  return binary;
}
