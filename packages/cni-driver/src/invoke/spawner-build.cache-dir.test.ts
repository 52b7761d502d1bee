import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { buildSpawner, findSpawnerSource } from './spawner-build.ts';

/**
 * Where buildSpawner puts the helper: the name is the first 12 hex digits of the source's
 * sha256, the default cache dir is <tmpdir>/multinet-<uid> (multinet-user on a platform without
 * uids), a cache dir with missing parents is created, a helper already there is reused as it is
 * (not rebuilt), and a cache dir that belongs to another user gets nothing written into it.
 *
 * TMPDIR points into the test's own temp dir (os.tmpdir() reads it on each call), so the default
 * cache dir and any fresh fallback dir are created there, never in the shared <tmpdir>/multinet-<uid>.
 */

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

let dir: string;
const savedEnv = new Map<string, string | undefined>();
const savedGetuid = Object.getOwnPropertyDescriptor(process, 'getuid');

/** Sets an env var for this test only (restored in afterEach); `undefined` removes it. */
function setEnv(name: string, value: string | undefined): void {
  if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-spawner-cache-dir-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  if (savedGetuid) Object.defineProperty(process, 'getuid', savedGetuid);
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  savedEnv.clear();
  await rm(dir, { recursive: true, force: true });
});

/** The default cache dir is created in `dir`: no cache dir given, none in the environment. */
function useDefaultCacheDirUnderTestDir(): void {
  setEnv('TMPDIR', dir);
  setEnv('MULTINET_CACHE_DIR', undefined);
}

describe('buildSpawner, where the helper goes', () => {
  it('names the helper after the first 12 hex digits of the source hash', async () => {
    const source = await readFile(findSpawnerSource()!);
    const hash = createHash('sha256').update(source).digest('hex');
    const built = await buildSpawner(join(dir, 'cache'));
    expect(basename(built)).toBe(`multinet-spawner-${hash.slice(0, 12)}`);
  });

  it('builds into <tmpdir>/multinet-<uid> when no cache dir is given', async () => {
    useDefaultCacheDirUnderTestDir();
    const built = await buildSpawner();
    expect(dirname(built)).toBe(join(dir, `multinet-${process.getuid!()}`));
    expect((await stat(dirname(built))).mode & 0o777).toBe(0o700);
  });

  it('names the default cache dir after the uid of the running process', async () => {
    useDefaultCacheDirUnderTestDir();
    vi.spyOn(process, 'getuid').mockReturnValue(4321);
    // The dir it creates belongs to the real uid, not 4321: the helper goes to a fresh dir.
    const built = await buildSpawner();
    expect(dirname(dirname(built))).toBe(dir);
    expect((await readdir(dir)).filter((name) => !name.startsWith('multinet-spawner-'))).toEqual(['multinet-4321']);
  });

  it('names the default cache dir multinet-user on a platform without uids', async () => {
    useDefaultCacheDirUnderTestDir();
    Object.defineProperty(process, 'getuid', { value: undefined, configurable: true, writable: true });
    // No uid to own anything: the helper goes to a fresh dir, after creating the default one.
    const built = await buildSpawner();
    expect(dirname(dirname(built))).toBe(dir);
    expect(basename(dirname(built))).toMatch(/^multinet-spawner-/);
    expect((await readdir(dir)).filter((name) => !name.startsWith('multinet-spawner-'))).toEqual(['multinet-user']);
  });

  it('creates a cache dir whose parents do not exist yet, and builds there', async () => {
    useDefaultCacheDirUnderTestDir();
    const cacheDir = join(dir, 'a', 'b', 'cache');
    const built = await buildSpawner(cacheDir);
    expect(dirname(built)).toBe(cacheDir);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
  });

  it('reuses the helper already in its cache dir without rebuilding it', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await buildSpawner(cacheDir);
    const before = await stat(first);
    const second = await buildSpawner(cacheDir);
    expect(second).toBe(first);
    // A rebuild renames a new file over it: a new inode.
    expect((await stat(second)).ino).toBe(before.ino);
    expect(await readdir(cacheDir)).toEqual([basename(first)]);
  });

  describe.runIf(isRoot)('with a cache dir of another user (needs root to chown)', () => {
    it('writes nothing into a cache dir that belongs to another user', async () => {
      useDefaultCacheDirUnderTestDir();
      const theirs = join(dir, 'theirs');
      await mkdir(theirs, { mode: 0o700 });
      await chown(theirs, NOBODY, NOBODY);

      const built = await buildSpawner(theirs);
      expect(dirname(built)).toBe(join(dir, `multinet-${process.getuid!()}`));
      expect(await readdir(theirs)).toEqual([]);
    });
  });
});
