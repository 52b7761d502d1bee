import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { buildSpawner, findSpawnerSource } from './spawner-build.ts';

/**
 * buildSpawner where the package root, the privacy check and the compiler call are observed or
 * steered: no package root or no native/spawner.c in it gives PLUGIN_SPAWN_FAILED naming what is
 * missing; the compiler runs with a 60 s timeout; a freshly built helper that the privacy check
 * still rejects is never returned (the next dir is tried, and the default dir is built into once).
 *
 * All three mocks pass through to the real code unless a test sets `fake.*`. TMPDIR points into
 * the test's own temp dir, so default and fresh cache dirs are created there.
 */
const fake = vi.hoisted(() => ({
  /** `null`: the real package root; a string or `undefined`: what findPackageRoot returns. */
  packageRoot: null as string | undefined | null,
  /** Helpers (full paths) that the privacy check calls unsafe even when they are not. */
  unsafeBinaries: new Set<string>(),
  /** The options of every compiler run. */
  compiles: [] as { file: string; args: readonly string[]; options: unknown }[],
}));

vi.mock('../internal/package-root.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../internal/package-root.ts')>();
  return { ...actual, findPackageRoot: vi.fn((...args: Parameters<typeof actual.findPackageRoot>) => (fake.packageRoot === null ? actual.findPackageRoot(...args) : fake.packageRoot)) };
});

vi.mock('../internal/private-path.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../internal/private-path.ts')>();
  return {
    ...actual,
    findUnsafeReason: vi.fn(async (file: string, uid: number) => (fake.unsafeBinaries.has(file) ? `${file} was swapped (test)` : actual.findUnsafeReason(file, uid))),
  };
});

// A plain wrapper (no util.promisify.custom): promisify calls it with a callback, which goes on
// to the real execFile.
vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:child_process')>();
  const execFile = (file: string, args: readonly string[], options: unknown, callback: (...results: unknown[]) => void) => {
    fake.compiles.push({ file, args, options });
    return actual.execFile(file, args, options as object, callback);
  };
  return { ...actual, execFile, default: { ...actual, execFile } };
});

let dir: string;
let savedTmpdir: string | undefined;
let savedCacheDir: string | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-spawner-mocked-'));
  savedTmpdir = process.env['TMPDIR'];
  savedCacheDir = process.env['MULTINET_CACHE_DIR'];
  process.env['TMPDIR'] = dir; // tmpdir() reads it on each call
  delete process.env['MULTINET_CACHE_DIR'];
});
afterEach(async () => {
  fake.packageRoot = null;
  fake.unsafeBinaries.clear();
  fake.compiles.length = 0;
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
  if (savedCacheDir === undefined) delete process.env['MULTINET_CACHE_DIR'];
  else process.env['MULTINET_CACHE_DIR'] = savedCacheDir;
  await rm(dir, { recursive: true, force: true });
});

/** The helper's file name (keyed by the source hash), learned from a real build. */
async function helperName(): Promise<string> {
  const name = basename(await buildSpawner(join(dir, 'probe')));
  fake.compiles.length = 0;
  return name;
}

describe('buildSpawner, without its C source', () => {
  it('finds no spawner source when the running file is outside its package', () => {
    fake.packageRoot = undefined;
    expect(findSpawnerSource()).toBeUndefined();
  });

  it('fails with PLUGIN_SPAWN_FAILED naming the package when there is no package root', async () => {
    fake.packageRoot = undefined;
    const error = await buildSpawner(join(dir, 'cache')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PLUGIN_SPAWN_FAILED', message: 'the spawner source native/spawner.c of @multinet/cni-driver is missing' });
    expect(fake.compiles).toEqual([]);
  });

  it('fails with PLUGIN_SPAWN_FAILED naming the missing file when the package has no native/spawner.c', async () => {
    const root = join(dir, 'package');
    fake.packageRoot = root;
    const error = await buildSpawner(join(dir, 'cache')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PLUGIN_SPAWN_FAILED', message: `the spawner source ${join(root, 'native', 'spawner.c')} is missing` });
    expect(fake.compiles).toEqual([]);
  });
});

describe('buildSpawner, compiling', () => {
  it('compiles native/spawner.c with a 60 s timeout', async () => {
    const built = await buildSpawner(join(dir, 'cache'));
    expect(fake.compiles).toHaveLength(1);
    expect(fake.compiles[0]!.args).toEqual(['-O2', '-o', expect.stringMatching(/\.[0-9a-f]{8}\.tmp$/), findSpawnerSource()]);
    expect(dirname(fake.compiles[0]!.args[2]!)).toBe(dirname(built));
    expect(fake.compiles[0]!.options).toEqual({ timeout: 60_000 });
  });

  it('does not return a helper it just built when the privacy check rejects it, and builds the next dir instead', async () => {
    const name = await helperName();
    const cacheDir = join(dir, 'cache');
    fake.unsafeBinaries.add(join(cacheDir, name));

    const built = await buildSpawner(cacheDir);
    expect(built).toBe(join(dir, `multinet-${process.getuid!()}`, name));
    expect(fake.compiles).toHaveLength(2);
  });

  it('builds into the default dir once, then a fresh dir, when the privacy check rejects what it built there', async () => {
    const name = await helperName();
    const defaultDir = join(dir, `multinet-${process.getuid!()}`);
    fake.unsafeBinaries.add(join(defaultDir, name));

    const built = await buildSpawner();
    expect(dirname(dirname(built))).toBe(dir);
    expect(basename(dirname(built))).toMatch(/^multinet-spawner-/);
    expect(fake.compiles.map(({ args }) => dirname(args[2]!))).toEqual([defaultDir, dirname(built)]);
    expect(await readdir(defaultDir)).toEqual([name]);
  });
});
