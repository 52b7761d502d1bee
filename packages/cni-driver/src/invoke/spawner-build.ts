/**
 * Building the spawner helper: compiled from native/spawner.c (shipped in this package and found
 * relative to the running file, from src/ or dist/) with the system C compiler on first use, into
 * a cache dir keyed by the source's hash (atomic: temp name, then rename).
 *
 * A cached binary is only run when it is private (see internal/private-path.ts): a shared temp
 * dir could hold a file another user planted. Otherwise the helper is built into the default
 * private cache dir (<tmpdir>/multinet-<uid>, 0700) or, when that one is not ours either, into a
 * fresh private dir (mkdtemp, 0700), and that one is run.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CniError } from '@multinet/cni-types';
import { findPackageRoot } from '../internal/package-root.ts';
import { findUnsafeDirReason, findUnsafeReason } from '../internal/private-path.ts';

const run = promisify(execFile);

/**
 * Where the C source ships: `<package>/native/spawner.c`, `undefined` when the running file is not
 * inside the package.
 */
export function findSpawnerSource(): string | undefined {
  const root = findPackageRoot();
  return root === undefined ? undefined : join(root, 'native', 'spawner.c');
}

async function compile(sourcePath: string, binary: string): Promise<void> {
  const temp = `${binary}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await run(process.env['CC'] ?? 'cc', ['-O2', '-o', temp, sourcePath], { timeout: 60_000 });
    await chmod(temp, 0o700);
    await rename(temp, binary);
  } catch (error) {
    await rm(temp, { force: true });
    throw new CniError('PLUGIN_SPAWN_FAILED', `cannot build the spawner helper (${(error as Error).message}); use the execa executor instead`, {}, { cause: error });
  }
}

/**
 * The path of a built helper, compiling it when missing. A cached helper that is not owned by us
 * or is writable by others (or sits in such a dir) is never run: the helper is then built into
 * the default private cache dir, or a fresh 0700 dir when that one is not ours either.
 *
 * @param cacheDir where a compiled helper is kept. @default $MULTINET_CACHE_DIR or <tmpdir>/multinet-<uid>
 * @throws {CniError} PLUGIN_SPAWN_FAILED when the source is missing, there is no C compiler or the build fails
 */
export async function buildSpawner(cacheDir?: string): Promise<string> {
  const sourcePath = findSpawnerSource();
  const source = sourcePath === undefined ? undefined : await readFile(sourcePath).catch(() => undefined);
  if (sourcePath === undefined || source === undefined) {
    throw new CniError('PLUGIN_SPAWN_FAILED', `the spawner source ${sourcePath ?? 'native/spawner.c of @multinet/cni-driver'} is missing`);
  }
  const uid = process.getuid?.() ?? -1;
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const name = `multinet-spawner-${hash}`;
  const defaultDir = join(tmpdir(), `multinet-${uid === -1 ? 'user' : uid}`);
  const requested = cacheDir ?? process.env['MULTINET_CACHE_DIR'] ?? defaultDir;
  // SECURITY: a dir that is not ours alone is never used; fall back to the default private dir,
  // and when that one is not ours either (someone made it first), to a fresh 0700 dir.
  for (const dir of requested === defaultDir ? [defaultDir] : [requested, defaultDir]) {
    const binary = join(dir, name);
    if ((await findUnsafeReason(binary, uid)) === undefined) return binary;
    await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
    if ((await findUnsafeDirReason(dir, uid)) !== undefined) continue;
    // Our own private dir: whatever is at `binary` (someone else's file, a half-written one) is replaced.
    await compile(sourcePath, binary);
    if ((await findUnsafeReason(binary, uid)) === undefined) return binary;
  }
  const fresh = await mkdtemp(join(tmpdir(), 'multinet-spawner-'));
  await chmod(fresh, 0o700);
  const privateBinary = join(fresh, name);
  await compile(sourcePath, privateBinary);
  return privateBinary;
}
