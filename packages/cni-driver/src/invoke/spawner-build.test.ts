import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { buildSpawner, findSpawnerSource } from './spawner-build.ts';
import { createSpawnerExecutor } from './spawner-executor.ts';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

let dir: string;
let marker: string;
const cleanup: string[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-spawner-build-'));
  marker = join(dir, 'planted-binary-ran');
});
afterEach(async () => {
  for (const path of [dir, ...cleanup.splice(0)]) await rm(path, { recursive: true, force: true });
});

/** Removes a fresh private build dir; the shared default cache dir stays (other tests use it). */
function cleanUpLater(built: string): void {
  if (basename(dirname(built)).startsWith('multinet-spawner-')) cleanup.push(dirname(built));
}

/** The name buildSpawner gives the helper (keyed by the source hash), learned from a real build. */
async function helperName(): Promise<string> {
  const built = await buildSpawner(join(dir, 'probe'));
  return basename(built);
}

/** Writes an executable at `path` that leaves a marker when run, owned by `uid`. */
async function plantBinary(path: string, uid: number): Promise<void> {
  await writeFile(path, `#!/bin/sh\necho ran > '${marker}'\nexit 1\n`, { mode: 0o755 });
  await chmod(path, 0o755);
  await chown(path, uid, uid);
}

/** Runs the noop plugin through a spawner executor built from `cacheDir`. */
async function runNoopThrough(cacheDir: string): Promise<string> {
  const executor = await createSpawnerExecutor({ cacheDir });
  try {
    const outcome = await executor.execPlugin({
      path: join(FIXTURE_PLUGIN_DIR, 'noop'),
      stdin: '{"cniVersion":"1.0.0"}',
      env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/ns1' },
      timeoutMs: 20_000,
      killGraceMs: 100,
      maxOutputBytes: 1 << 20,
    });
    return outcome.stdout;
  } finally {
    await executor.close?.();
  }
}

describe('buildSpawner', () => {
  it('finds native/spawner.c inside the package', () => {
    expect(findSpawnerSource()).toMatch(/cni-driver[/\\]native[/\\]spawner\.c$/);
    expect(existsSync(findSpawnerSource()!)).toBe(true);
  });

  it('reuses a helper it built in its own private cache dir', async () => {
    const first = await buildSpawner(join(dir, 'cache'));
    const second = await buildSpawner(join(dir, 'cache'));
    expect(second).toBe(first);
    expect(dirname(first)).toBe(join(dir, 'cache'));
    expect((await stat(join(dir, 'cache'))).mode & 0o777).toBe(0o700);
  });

  it('fails with PLUGIN_SPAWN_FAILED when the C compiler fails, leaving no half-built file', async () => {
    const previous = process.env['CC'];
    process.env['CC'] = 'false';
    try {
      const cacheDir = join(dir, 'no-compiler');
      const error = await buildSpawner(cacheDir).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PLUGIN_SPAWN_FAILED', message: expect.stringMatching(/^cannot build the spawner helper \([\s\S]+\); use the execa executor instead$/) });
      // The compiler's own error is kept as the cause, and its message is the one quoted.
      const cause = (error as Error).cause;
      expect(cause).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(`(${(cause as Error).message})`);
      expect(await readdir(cacheDir)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env['CC'];
      else process.env['CC'] = previous;
    }
  });

  it('builds into $MULTINET_CACHE_DIR when no cache dir is given', async () => {
    const previous = process.env['MULTINET_CACHE_DIR'];
    process.env['MULTINET_CACHE_DIR'] = join(dir, 'from-env');
    try {
      const built = await buildSpawner();
      expect(dirname(built)).toBe(join(dir, 'from-env'));
      expect((await stat(built)).mode & 0o777).toBe(0o700);
    } finally {
      if (previous === undefined) delete process.env['MULTINET_CACHE_DIR'];
      else process.env['MULTINET_CACHE_DIR'] = previous;
    }
  });

  describe.runIf(isRoot)('with a binary another user planted (needs root to chown)', () => {
    it('does not run a cached helper owned by another user, and rebuilds it in its own dir', async () => {
      const name = await helperName();
      const cacheDir = join(dir, 'cache');
      await buildSpawner(cacheDir); // creates the private dir
      await plantBinary(join(cacheDir, name), NOBODY);

      expect(JSON.parse(await runNoopThrough(cacheDir)).interfaces[0].sandbox).toBe('/ns1');
      expect(existsSync(marker)).toBe(false);
      const rebuilt = await stat(join(cacheDir, name));
      expect(rebuilt.uid).toBe(process.getuid!());
    });

    it('builds into a private dir of its own when the cache dir itself belongs to another user', async () => {
      const name = await helperName();
      const cacheDir = join(dir, 'theirs');
      await mkdir(cacheDir, { mode: 0o755 });
      await chown(cacheDir, NOBODY, NOBODY);
      await plantBinary(join(cacheDir, name), NOBODY);

      const built = await buildSpawner(cacheDir);
      cleanUpLater(built);
      expect(dirname(built)).not.toBe(cacheDir);
      expect((await stat(dirname(built))).mode & 0o777).toBe(0o700);
      expect((await stat(built)).uid).toBe(process.getuid!());
      expect(JSON.parse(await runNoopThrough(cacheDir)).interfaces[0].sandbox).toBe('/ns1');
      expect(existsSync(marker)).toBe(false);
    });

    it('builds into a fresh 0700 dir when the default cache dir belongs to another user too', async () => {
      const name = await helperName();
      const previousTmp = process.env['TMPDIR'];
      process.env['TMPDIR'] = dir; // tmpdir() reads it on each call
      try {
        const theirs = join(dir, `multinet-${process.getuid!()}`);
        await mkdir(theirs, { mode: 0o755 });
        await chown(theirs, NOBODY, NOBODY);
        await plantBinary(join(theirs, name), NOBODY);

        const built = await buildSpawner(theirs);
        expect(dirname(dirname(built))).toBe(dir);
        expect(basename(dirname(built))).toMatch(/^multinet-spawner-/);
        expect((await stat(dirname(built))).mode & 0o777).toBe(0o700);
        expect((await stat(built)).uid).toBe(process.getuid!());
      } finally {
        if (previousTmp === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = previousTmp;
      }
      expect(existsSync(marker)).toBe(false);
    });

    it('does not run our own helper from a dir that others can write to', async () => {
      const name = await helperName();
      const cacheDir = join(dir, 'open');
      await mkdir(cacheDir);
      await chmod(cacheDir, 0o777);
      await plantBinary(join(cacheDir, name), process.getuid!());

      const built = await buildSpawner(cacheDir);
      cleanUpLater(built);
      expect(built).not.toBe(join(cacheDir, name));
      expect(existsSync(marker)).toBe(false);
    });
  });
});
