/**
 * What a catalog sync reads and when: with the dir watcher replaced by a fake that the test
 * fires by hand (so "the watcher said nothing" is deterministic), and without watching.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirChange } from '../watch/chokidar-watcher.ts';
import { createCatalog, type Catalog, type CatalogOptions } from './catalog.ts';

const watchers = vi.hoisted(
  () => [] as Array<{ dirs: readonly string[]; onChange: (change: DirChange) => void; close: () => Promise<void>; closed: boolean; failClose: boolean; ready: Promise<void> }>,
);

vi.mock('../watch/chokidar-watcher.ts', () => ({
  createDirWatcher: (dirs: readonly string[], onChange: (change: DirChange) => void) => {
    const watcher = {
      dirs: [...dirs],
      onChange,
      closed: false,
      failClose: false,
      ready: Promise.resolve(),
      close: async () => {
        watcher.closed = true;
        if (watcher.failClose) throw new Error('close failed');
      },
    };
    watchers.push(watcher);
    return watcher;
  },
}));

const conflist = (name: string, type = 'noop') => JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type }] });

let dir: string;
let confDir: string;
let binDir: string;
let catalogs: Catalog[];
let warnings: Array<Record<string, unknown>>;
let warningMessages: string[];
let infos: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-catalog-sync-'));
  confDir = join(dir, 'net.d');
  binDir = join(dir, 'bin');
  await mkdir(confDir);
  await mkdir(binDir);
  catalogs = [];
  watchers.length = 0;
  warnings = [];
  warningMessages = [];
  infos = [];
});

afterEach(async () => {
  await Promise.all(catalogs.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(watch: boolean, extra: Partial<CatalogOptions> = {}): Catalog {
  const logger = {
    warn: (obj: Record<string, unknown>, msg?: string) => {
      warnings.push(obj);
      warningMessages.push(String(msg));
    },
    info: (_obj: unknown, msg?: string) => infos.push(String(msg)) };
  const catalog = createCatalog({ confDir, pluginDirs: [binDir], watch, logger, ...extra });
  catalogs.push(catalog);
  return catalog;
}

/** The watcher the catalog made last (it makes a new one when a dir is replaced). */
const watcher = () => watchers.at(-1)!;
const fire = (kind: DirChange['kind'], path: string) => watcher().onChange({ kind, path });
const names = (catalog: Catalog) => [...catalog.snapshot.networks.keys()];
const typeOf = (catalog: Catalog, name: string) => catalog.snapshot.networks.get(name)?.list.plugins[0]?.type;
/** Moves a file's times into the past, as a file written long ago. */
const age = (file: string) => utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

describe('a watching catalog', () => {
  it('watches the conf dir and every plugin dir, and is ready when its watcher is', async () => {
    const second = join(dir, 'bin2');
    const catalog = open(true, { pluginDirs: [binDir, second] });
    await catalog.ready;
    expect(watchers).toHaveLength(1);
    expect(watcher().dirs).toEqual([confDir, binDir, second]);
  });

  it('reads everything on the first sync, then nothing until the watcher reports a change', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(true);
    const first = await catalog.sync();
    expect(names(catalog)).toEqual(['a']);
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    await writeFile(join(binDir, 'quiet'), '#!/bin/sh\n', { mode: 0o755 });
    expect(await catalog.sync()).toBe(first);
    fire('add', join(confDir, '20-b.conflist'));
    const second = await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
    expect(second.generation).toBe(first.generation + 1);
    expect(second.plugins.has('quiet')).toBe(false);
  });

  it('after a change event for a loaded file re-reads only the files reported, not the listing', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'old'));
    await writeFile(join(confDir, '15-c.conflist'), conflist('c', 'old'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'new'));
    await writeFile(join(confDir, '15-c.conflist'), conflist('c', 'unreported'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    fire('change', join(confDir, '10-a.conflist'));
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('new');
    expect(typeOf(catalog, 'c')).toBe('old');
    expect(names(catalog)).toEqual(['a', 'c']);
  });

  it('re-reads the listing after a change event for a file it has not loaded', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    fire('change', join(confDir, '20-b.conflist'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
  });

  it('after an add or unlink re-reads the listing and the reported files, but not unreported loaded files', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'old'));
    await writeFile(join(confDir, '30-c.conflist'), conflist('c'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'unreported'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    await unlink(join(confDir, '30-c.conflist'));
    fire('unlink', join(confDir, '30-c.conflist'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
    expect(typeOf(catalog, 'a')).toBe('old');
  });

  it('re-reads a loaded file that is reported with the listing', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'old'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'new'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    fire('change', join(confDir, '10-a.conflist'));
    fire('add', join(confDir, '20-b.conflist'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
    expect(typeOf(catalog, 'a')).toBe('new');
  });

  it('after a watcher error re-reads every file and every plugin dir', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'old'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'new'));
    await writeFile(join(binDir, 'late'), '#!/bin/sh\n', { mode: 0o755 });
    fire('error', 'Error: EMFILE');
    const snapshot = await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('new');
    expect(snapshot.plugins.has('late')).toBe(true);
  });

  it('re-reads the plugin dirs, and only them, after an event in a plugin dir', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(binDir, 'late'), '#!/bin/sh\n', { mode: 0o755 });
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    fire('add', join(binDir, 'late'));
    const snapshot = await catalog.sync();
    expect(snapshot.plugins.has('late')).toBe(true);
    expect(names(catalog)).toEqual(['a']);
  });

  it('ignores events for paths that are neither in the conf dir nor in a plugin dir', async () => {
    const catalog = open(true);
    const first = await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await writeFile(join(binDir, 'late'), '#!/bin/sh\n', { mode: 0o755 });
    fire('add', `${confDir}-other/10-a.conflist`);
    fire('add', `${binDir}x/late`);
    expect(await catalog.sync()).toBe(first);
  });

  it('takes an event for the conf dir itself as a change of the listing', async () => {
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    fire('add', confDir);
    await catalog.sync();
    expect(names(catalog)).toEqual(['a']);
  });

  it('takes an event for a plugin dir itself as a change of the plugins', async () => {
    const catalog = open(true);
    await catalog.sync();
    await writeFile(join(binDir, 'late'), '#!/bin/sh\n', { mode: 0o755 });
    fire('add', binDir);
    expect((await catalog.sync()).plugins.has('late')).toBe(true);
  });

  it('looks at a file again on the next sync when it was removed after its change event', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(true);
    await catalog.sync();
    await unlink(join(confDir, '10-a.conflist'));
    fire('change', join(confDir, '10-a.conflist'));
    await catalog.sync();
    await catalog.sync();
    expect(names(catalog)).toEqual(['b']);
    expect(catalog.snapshot.defaultNetwork?.name).toBe('b');
  });

  it('keeps a good file that turns unparsable right after a write, and reports it once it has settled, without a new event', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a', 'good'));
    await age(file);
    const catalog = open(true);
    await catalog.sync();
    await writeFile(file, '{"cniVersion": "1.0.0", "name": "a", "plu');
    fire('change', file);
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('good');
    expect(catalog.snapshot.problems).toEqual([]);
    await age(file);
    await catalog.sync();
    expect(names(catalog)).toEqual([]);
    expect(catalog.snapshot.problems).toMatchObject([{ file, code: 'CONFIG_INVALID' }]);
  });

  it('keeps a good file caught mid-rewrite while relisting, and reports it once it has settled', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a', 'good'));
    const catalog = open(true);
    await catalog.sync();
    await writeFile(file, '{"cniVersion": "1.0.0", "name": "a", "plu');
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    fire('change', file);
    fire('add', join(confDir, '20-b.conflist'));
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('good');
    expect(names(catalog)).toEqual(['a', 'b']);
    await age(file);
    await catalog.sync();
    expect(names(catalog)).toEqual(['b']);
  });

  it('reads everything again and watches anew when a watched dir is replaced', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(true);
    await catalog.sync();
    const replacement = join(dir, 'net.d-new');
    await mkdir(replacement);
    await writeFile(join(replacement, '10-z.conflist'), conflist('z'));
    await rename(confDir, join(dir, 'net.d-old'));
    await rename(replacement, confDir);
    const old = watcher();
    await catalog.sync();
    expect(names(catalog)).toEqual(['z']);
    expect(watchers).toHaveLength(2);
    expect(old.closed).toBe(true);
    expect(watcher().closed).toBe(false);
    expect(watcher().dirs).toEqual([confDir, binDir]);
    expect(infos).toEqual(['a watched dir was replaced (or a symlink retargeted): reading everything again']);
    // The new watcher is the one listened to.
    await writeFile(join(confDir, '20-y.conflist'), conflist('y'));
    watcher().onChange({ kind: 'add', path: join(confDir, '20-y.conflist') });
    await catalog.sync();
    expect(names(catalog)).toEqual(['z', 'y']);
  });

  it('logs a failure to close the watcher of a replaced dir, and goes on', async () => {
    const catalog = open(true);
    await catalog.sync();
    watcher().failClose = true;
    const replacement = join(dir, 'net.d-new');
    await mkdir(replacement);
    await writeFile(join(replacement, '10-a.conflist'), conflist('a'));
    await rename(confDir, join(dir, 'net.d-old'));
    await rename(replacement, confDir);
    await catalog.sync();
    expect(names(catalog)).toEqual(['a']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warningMessages).toEqual(['closing the watcher of a replaced dir failed']);
    expect(warnings).toEqual([{ component: 'catalog', err: expect.objectContaining({ message: 'close failed' }) }]);
  });

  it('reads everything again when a missing conf dir is created', async () => {
    await rm(confDir, { recursive: true });
    const catalog = open(true);
    await catalog.sync();
    await mkdir(confDir);
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a']);
    expect(watchers).toHaveLength(2);
  });

  it('makes no new watcher while the dirs stay the same', async () => {
    const catalog = open(true);
    await catalog.sync();
    await catalog.sync();
    fire('add', confDir);
    await catalog.sync();
    expect(watchers).toHaveLength(1);
    expect(infos).toEqual([]);
  });

  it('closes its watcher on close', async () => {
    const catalog = open(true);
    await catalog.close();
    expect(watcher().closed).toBe(true);
  });
});

describe('a catalog that does not watch', () => {
  it('makes no watcher, is ready at once and closes without one', async () => {
    const catalog = open(false);
    await catalog.ready;
    await catalog.close();
    expect(watchers).toEqual([]);
  });

  it('makes no watcher when a dir is replaced either, and still sees the new contents', async () => {
    const catalog = open(false);
    await catalog.sync();
    await rm(confDir, { recursive: true });
    await mkdir(confDir);
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a']);
    expect(watchers).toEqual([]);
    expect(infos).toEqual([]);
  });

  it('reports a conf file that cannot be read with the read error', async () => {
    // A regular file of size 0 whose read fails (EIO: nothing is mapped at address 0).
    await symlink('/proc/self/mem', join(confDir, '10-mem.conf'));
    await writeFile(join(confDir, '20-a.conflist'), conflist('a'));
    const snapshot = await open(false).sync();
    expect(names(catalogs[0]!)).toEqual(['a']);
    expect(snapshot.problems).toEqual([{ file: join(confDir, '10-mem.conf'), code: 'CONFIG_INVALID', message: expect.stringContaining('EIO') }]);
  });

  it('drops a loaded file that is replaced by a directory', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(false);
    await catalog.sync();
    await unlink(join(confDir, '10-a.conflist'));
    await mkdir(join(confDir, '10-a.conflist'));
    const snapshot = await catalog.sync();
    expect(names(catalog)).toEqual(['b']);
    expect(snapshot.generation).toBe(2);
  });

  it('starts from an empty snapshot of generation 0', () => {
    const catalog = open(false);
    expect(catalog.snapshot).toMatchObject({ generation: 0, defaultNetwork: undefined, problems: [] });
    expect(catalog.snapshot.networks.size).toBe(0);
    expect(catalog.snapshot.plugins.size).toBe(0);
  });

  it('gives the first sync generation 1 even when the dirs are empty', async () => {
    const snapshot = await open(false).sync();
    expect(snapshot.generation).toBe(1);
  });

  it('sees every change on each sync, and returns the same snapshot while nothing changed', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'old'));
    const catalog = open(false);
    const first = await catalog.sync();
    expect(await catalog.sync()).toBe(first);
    await writeFile(join(confDir, '10-a.conflist'), conflist('a', 'new'));
    const second = await catalog.sync();
    expect(second.generation).toBe(2);
    expect(typeOf(catalog, 'a')).toBe('new');
    await writeFile(join(binDir, 'late'), '#!/bin/sh\n', { mode: 0o755 });
    const third = await catalog.sync();
    expect(third.generation).toBe(3);
    expect(third.plugins.has('late')).toBe(true);
    expect(await catalog.sync()).toBe(third);
  });

  it('keeps networks in conf-file order when a file is added before the others', async () => {
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(false);
    await catalog.sync();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
    expect(catalog.snapshot.defaultNetwork?.name).toBe('a');
  });

  it('drops a removed file and makes the next one the default', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(false);
    await catalog.sync();
    await unlink(join(confDir, '10-a.conflist'));
    const snapshot = await catalog.sync();
    expect(names(catalog)).toEqual(['b']);
    expect(snapshot.defaultNetwork?.name).toBe('b');
    expect(snapshot.generation).toBe(2);
  });

  it('skips a conf entry that is not a regular file', async () => {
    await mkdir(join(confDir, '05-dir.conflist'));
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const snapshot = await open(false).sync();
    expect(names(catalogs[0]!)).toEqual(['a']);
    expect(snapshot.problems).toEqual([]);
  });

  it('reports a file that was never good as soon as it is unparsable, and again with its new error', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, '{');
    const catalog = open(false);
    await catalog.sync();
    const firstMessage = catalog.snapshot.problems[0]?.message;
    await writeFile(file, '{"cniVersion": "1.0.0", "name": "a", "plugins": "x"}');
    await catalog.sync();
    expect(catalog.snapshot.problems).toHaveLength(1);
    expect(catalog.snapshot.problems[0]?.message).not.toBe(firstMessage);
  });

  it('skips a conf file over maxConfBytes unread, with a problem naming its size and the limit', async () => {
    const text = conflist('a');
    const bytes = Buffer.byteLength(text);
    await writeFile(join(confDir, '10-a.conflist'), text);
    await writeFile(join(confDir, '20-big.conflist'), `${conflist('b')} `);
    const snapshot = await open(false, { maxConfBytes: bytes + 1 }).sync();
    expect(names(catalogs[0]!)).toEqual(['a', 'b']);
    const tight = await open(false, { maxConfBytes: bytes }).sync();
    expect([...tight.networks.keys()]).toEqual(['a']);
    expect(tight.problems).toEqual([
      {
        file: join(confDir, '20-big.conflist'),
        code: 'CONFIG_INVALID',
        message: `conf file ${join(confDir, '20-big.conflist')} is ${bytes + 1} bytes, over the limit of ${bytes}; skipped unread`,
      },
    ]);
    expect(snapshot.problems).toEqual([]);
  });

  it('refuses a maxConfBytes that is not positive, and a relative plugin dir', () => {
    expect(() => createCatalog({ confDir, maxConfBytes: 0, watch: false })).toThrow(TypeError);
    expect(() => createCatalog({ confDir, pluginDirs: [binDir, 'bin'], watch: false })).toThrow('`pluginDirs[1]`');
  });

  it('reports a bad network name with the file, the network and the cause', async () => {
    const file = join(confDir, '10-bad.conflist');
    await writeFile(file, conflist('bad name!'));
    const snapshot = await open(false).sync();
    expect(snapshot.problems).toEqual([{ file, code: 'NETWORK_NAME_INVALID', message: expect.stringMatching(new RegExp(`^conf file ${file}: .+`)) }]);
  });

  it('logs each problem once, with the catalog component, until it goes away and comes back', async () => {
    const bad = join(confDir, '00-bad.conflist');
    await writeFile(bad, '{');
    const catalog = open(false);
    await catalog.sync();
    expect(warnings).toEqual([{ component: 'catalog', problem: expect.objectContaining({ file: bad, code: 'CONFIG_INVALID' }) }]);
    await writeFile(join(confDir, '10-good.conflist'), conflist('good'));
    await catalog.sync();
    expect(warnings).toHaveLength(1);
    await writeFile(bad, conflist('fixed'));
    await catalog.sync();
    expect(warnings).toHaveLength(1);
    await writeFile(bad, '[');
    await age(bad);
    await catalog.sync();
    expect(warnings).toHaveLength(2);
  });

  it('lists plugins: executable regular files only, the first dir winning, a missing dir skipped', async () => {
    const missing = join(dir, 'missing');
    const second = join(dir, 'bin2');
    await mkdir(second);
    await writeFile(join(second, 'both'), '', { mode: 0o755 });
    await writeFile(join(binDir, 'both'), '', { mode: 0o755 });
    await writeFile(join(second, 'only2'), '', { mode: 0o700 });
    await writeFile(join(binDir, 'group-exec'), '', { mode: 0o610 });
    await writeFile(join(binDir, 'plain'), '', { mode: 0o644 });
    await mkdir(join(binDir, 'subdir'));
    const snapshot = await open(false, { pluginDirs: [missing, binDir, second] }).sync();
    expect([...snapshot.plugins.values()].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      { name: 'both', path: join(binDir, 'both') },
      { name: 'group-exec', path: join(binDir, 'group-exec') },
      { name: 'only2', path: join(second, 'only2') },
    ]);
  });

  it('sees a plugin that moves to another dir, and one that stops being executable', async () => {
    const second = join(dir, 'bin2');
    await mkdir(second);
    await writeFile(join(binDir, 'p'), '', { mode: 0o755 });
    await writeFile(join(second, 'p'), '', { mode: 0o755 });
    const catalog = open(false, { pluginDirs: [binDir, second] });
    await catalog.sync();
    await rm(join(binDir, 'p'));
    const moved = await catalog.sync();
    expect(moved.generation).toBe(2);
    expect(moved.plugins.get('p')?.path).toBe(join(second, 'p'));
    await chmod(join(second, 'p'), 0o644);
    const gone = await catalog.sync();
    expect(gone.plugins.size).toBe(0);
  });

  it('sees a plugin renamed, though the number of plugins stays the same', async () => {
    await writeFile(join(binDir, 'a'), '', { mode: 0o755 });
    await writeFile(join(binDir, 'b'), '', { mode: 0o755 });
    const catalog = open(false);
    await catalog.sync();
    await rename(join(binDir, 'b'), join(binDir, 'c'));
    const snapshot = await catalog.sync();
    expect([...snapshot.plugins.keys()].sort()).toEqual(['a', 'c']);
    expect(snapshot.generation).toBe(2);
  });

  it('stops calling a reload listener once it unsubscribes', async () => {
    const catalog = open(false);
    const seen: number[] = [];
    const unsubscribe = catalog.onReload((snapshot) => seen.push(snapshot.generation));
    await catalog.sync();
    unsubscribe();
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await catalog.sync();
    expect(seen).toEqual([1]);
    expect(catalog.snapshot.generation).toBe(2);
  });

  it('runs overlapping syncs one after the other, each seeing the disk as it was when it ran', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(false);
    const first = catalog.sync();
    const second = catalog.sync();
    const [a, b] = await Promise.all([first, second]);
    expect(a.generation).toBe(1);
    expect(b).toBe(a);
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const third = await catalog.sync();
    expect(third.generation).toBe(2);
  });

  it('fails the sync whose reload listener throws, still runs the sync queued behind it, and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
      const catalog = open(false);
      let calls = 0;
      catalog.onReload(() => {
        calls += 1;
        throw new Error('listener failed');
      });
      const first = catalog.sync();
      const second = catalog.sync();
      await expect(first).rejects.toThrow('listener failed');
      const snapshot = await second;
      expect([...snapshot.networks.keys()]).toEqual(['a']);
      expect(snapshot).toBe(catalog.snapshot);
      expect(calls).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
