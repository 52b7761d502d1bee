/**
 * Which watcher events make a catalog sync read what, and what it logs: with the dir watcher
 * replaced by a fake the test fires by hand, so "the watcher said nothing" is deterministic.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirChange } from '../watch/chokidar-watcher.ts';
import { createCatalog, type Catalog, type CatalogOptions } from './catalog.ts';

const watchers = vi.hoisted(() => [] as Array<{ onChange: (change: DirChange) => void; close: () => Promise<void>; ready: Promise<void> }>);

vi.mock('../watch/chokidar-watcher.ts', () => ({
  createDirWatcher: (_dirs: readonly string[], onChange: (change: DirChange) => void) => {
    const watcher = { onChange, ready: Promise.resolve(), close: async () => undefined };
    watchers.push(watcher);
    return watcher;
  },
}));

const conflist = (name: string, type = 'noop') => JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type }] });

let dir: string;
let confDir: string;
let binDir: string;
let catalogs: Catalog[];
let logs: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-catalog-events-'));
  confDir = join(dir, 'net.d');
  binDir = join(dir, 'bin');
  await mkdir(confDir);
  await mkdir(binDir);
  catalogs = [];
  watchers.length = 0;
  logs = [];
});

afterEach(async () => {
  await Promise.all(catalogs.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(watch: boolean, extra: Partial<CatalogOptions> = {}): Catalog {
  const logger = {
    warn: (obj: Record<string, unknown>, msg?: string) => void logs.push({ level: 'warn', obj, msg }),
    info: (obj: Record<string, unknown>, msg?: string) => void logs.push({ level: 'info', obj, msg }),
  };
  const catalog = createCatalog({ confDir, pluginDirs: [binDir], watch, logger, ...extra });
  catalogs.push(catalog);
  return catalog;
}

const fire = (kind: DirChange['kind'], path: string) => watchers.at(-1)!.onChange({ kind, path });
const names = (catalog: Catalog) => [...catalog.snapshot.networks.keys()];
const plugin = (path: string) => writeFile(path, '#!/bin/sh\n', { mode: 0o755 });
/** Replaces `path` by a new dir through rename, so the dir at `path` surely has a new inode. */
async function replaceDir(path: string): Promise<void> {
  const replacement = `${path}-new`;
  await mkdir(replacement);
  await rename(path, `${path}-old`);
  await rename(replacement, path);
}

describe('a watching catalog', () => {
  it('lists the plugins already installed on its first sync, before any event', async () => {
    await plugin(join(binDir, 'early'));
    const catalog = open(true);
    const snapshot = await catalog.sync();
    expect([...snapshot.plugins.keys()]).toEqual(['early']);
  });

  it('re-reads the plugin dirs after an event in the second of two plugin dirs', async () => {
    const second = join(dir, 'bin2');
    await mkdir(second);
    const catalog = open(true, { pluginDirs: [binDir, second] });
    await catalog.sync();
    await plugin(join(second, 'late'));
    fire('add', join(second, 'late'));
    expect((await catalog.sync()).plugins.get('late')?.path).toBe(join(second, 'late'));
  });

  it('returns the same snapshot after an event in a plugin dir that changed nothing', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await plugin(join(binDir, 'p'));
    const catalog = open(true);
    const first = await catalog.sync();
    fire('change', join(binDir, 'p'));
    expect(await catalog.sync()).toBe(first);
  });

  it('returns the same snapshot after a change event for a loaded conf file whose stat did not change', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await plugin(join(binDir, 'p'));
    const catalog = open(true);
    const first = await catalog.sync();
    fire('change', join(confDir, '10-a.conflist'));
    expect(await catalog.sync()).toBe(first);
    expect(first.generation).toBe(1);
  });

  it('drops the network of a loaded file that became a directory on its change event, keeps the other networks, and fails no sync', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(true);
    await catalog.sync();
    await unlink(file);
    await mkdir(file);
    fire('change', file);
    await expect(catalog.sync()).resolves.toMatchObject({ problems: [] });
    expect([...catalog.snapshot.networks.keys()]).toEqual(['b']);
    await expect(catalog.sync()).resolves.toMatchObject({ problems: [] });
    expect([...catalog.snapshot.networks.keys()]).toEqual(['b']);
    expect(catalog.snapshot.networks.get('b')?.file).toBe(join(confDir, '20-b.conflist'));
  });

  it('lists the conf dir again on the sync after a loaded file was found gone, finding a file no event announced', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a'));
    const catalog = open(true);
    await catalog.sync();
    await unlink(file);
    await writeFile(join(confDir, '30-c.conflist'), conflist('c'));
    fire('change', file);
    await catalog.sync();
    expect(names(catalog)).toEqual([]);
    await catalog.sync();
    expect(names(catalog)).toEqual(['c']);
  });

  it('logs a replaced dir at info with the conf dir and the plugin dirs', async () => {
    const catalog = open(true);
    await catalog.sync();
    await replaceDir(confDir);
    await catalog.sync();
    expect(watchers).toHaveLength(2);
    expect(logs).toEqual([
      {
        level: 'info',
        obj: { component: 'catalog', confDir, pluginDirs: [binDir] },
        msg: 'a watched dir was replaced (or a symlink retargeted): reading everything again',
      },
    ]);
  });
});

describe('a catalog that does not watch', () => {
  it('starts no watcher and logs nothing when a dir is replaced by rename (a new inode)', async () => {
    const catalog = open(false);
    await catalog.sync();
    await replaceDir(confDir);
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await catalog.sync();
    expect(names(catalog)).toEqual(['a']);
    expect(watchers).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('logs a problem at warn as "skipping network config file"', async () => {
    const bad = join(confDir, '10-bad.conflist');
    await writeFile(bad, '{');
    await open(false).sync();
    expect(logs).toEqual([{ level: 'warn', obj: { component: 'catalog', problem: expect.objectContaining({ file: bad }) }, msg: 'skipping network config file' }]);
  });

  it('logs a second problem that appears while the first persists', async () => {
    const first = join(confDir, '10-bad.conflist');
    const second = join(confDir, '20-bad.conflist');
    await writeFile(first, '{');
    const catalog = open(false);
    await catalog.sync();
    await writeFile(second, '[');
    await catalog.sync();
    expect(logs.map((log) => (log.obj['problem'] as { file: string }).file)).toEqual([first, second]);
  });
});
