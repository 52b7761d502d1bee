import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalog, type Catalog } from './catalog.ts';
import type { CatalogSnapshot } from './catalog-snapshot.ts';

const conflist = (name: string, type = 'noop') =>
  JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type }] });
const conf = (name: string, type = 'noop') => JSON.stringify({ cniVersion: '0.4.0', name, type });

let dir: string;
let confDir: string;
let binDir: string;
let catalogs: Catalog[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-catalog-'));
  confDir = join(dir, 'net.d');
  binDir = join(dir, 'bin');
  await mkdir(confDir);
  await mkdir(binDir);
  catalogs = [];
});

afterEach(async () => {
  await Promise.all(catalogs.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(watch: boolean): Catalog {
  const catalog = createCatalog({ confDir, pluginDirs: [binDir], watch });
  catalogs.push(catalog);
  return catalog;
}

/** Resolves with the next snapshot a sync produces after the watcher reports a change. */
async function nextReload(catalog: Catalog, change: () => Promise<void>): Promise<CatalogSnapshot> {
  const before = catalog.snapshot.generation;
  await change();
  // The watcher marks the dirs dirty asynchronously; sync until the snapshot moves on.
  for (;;) {
    const snapshot = await catalog.sync();
    if (snapshot.generation > before) return snapshot;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('createCatalog', () => {
  it('loads .conf, .conflist and .json files in byte order and makes the first valid one the default', async () => {
    await writeFile(join(confDir, '9-late.conflist'), conflist('late'));
    await writeFile(join(confDir, '10-early.conf'), conf('early'));
    await writeFile(join(confDir, '20-json.json'), conf('json'));
    await writeFile(join(confDir, 'ignored.conflist.bak'), conflist('bak'));
    const snapshot = await open(false).sync();
    expect([...snapshot.networks.keys()]).toEqual(['early', 'json', 'late']);
    expect(snapshot.defaultNetwork?.name).toBe('early');
    expect(snapshot.networks.get('early')?.list.plugins[0]?.type).toBe('noop');
  });

  it('skips a bad file with a problem that names it, and still loads the others', async () => {
    await writeFile(join(confDir, '00-broken.conflist'), '{"name": "broken", "plugins": [');
    await writeFile(join(confDir, '10-good.conflist'), conflist('good'));
    const snapshot = await open(false).sync();
    expect([...snapshot.networks.keys()]).toEqual(['good']);
    expect(snapshot.defaultNetwork?.name).toBe('good');
    expect(snapshot.problems).toHaveLength(1);
    expect(snapshot.problems[0]?.code).toBe('CONFIG_INVALID');
    expect(snapshot.problems[0]?.message).toContain('00-broken.conflist');
  });

  it('does not make a file whose network name no ADD accepts the default: the next good file is', async () => {
    await writeFile(join(confDir, '00-badname.conflist'), conflist('bad name!'));
    await writeFile(join(confDir, '10-good.conflist'), conflist('good'));
    const snapshot = await open(false).sync();
    expect(snapshot.defaultNetwork?.name).toBe('good');
    expect([...snapshot.networks.keys()]).toEqual(['good']);
    expect(snapshot.problems.map((p) => p.code)).toEqual(['NETWORK_NAME_INVALID']);
    expect(snapshot.problems[0]?.message).toContain('00-badname.conflist');
  });

  it('orders conf files by bytes, not by locale: upper case and "_" before lower case', async () => {
    // localeCompare would give a, B, _; libcni's sort.Strings gives B, _, a.
    await writeFile(join(confDir, 'a.conflist'), conflist('lower'));
    await writeFile(join(confDir, 'B.conflist'), conflist('upper'));
    await writeFile(join(confDir, '_.conflist'), conflist('underscore'));
    const snapshot = await open(false).sync();
    expect([...snapshot.networks.keys()]).toEqual(['upper', 'underscore', 'lower']);
    expect(snapshot.defaultNetwork?.name).toBe('upper');
  });

  it('reads a .conf with both "type" and "plugins" as the single plugin conf libcni reads it as', async () => {
    await writeFile(join(confDir, '10-both.conf'), JSON.stringify({ cniVersion: '0.4.0', name: 'both', type: 'noop', plugins: [{ type: 'other' }] }));
    const snapshot = await open(false).sync();
    expect(snapshot.networks.get('both')?.list.plugins.map((p) => p.type)).toEqual(['noop']);
  });

  it('refuses a plugin type that is a path', async () => {
    await writeFile(join(confDir, '10-evil.conflist'), conflist('evil', '../../bin/sh'));
    const snapshot = await open(false).sync();
    expect(snapshot.networks.size).toBe(0);
    expect(snapshot.problems[0]?.code).toBe('PLUGIN_TYPE_INVALID');
    expect(snapshot.problems[0]?.message).toContain('10-evil.conflist');
  });

  it('keeps the first file of a duplicate network name and reports the others', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('same', 'first'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('same', 'second'));
    const snapshot = await open(false).sync();
    expect(snapshot.networks.get('same')?.list.plugins[0]?.type).toBe('first');
    expect(snapshot.problems.map((p) => p.file)).toEqual([join(confDir, '20-b.conflist')]);
  });

  it('lists executable plugin binaries, the first bin dir winning', async () => {
    const second = join(dir, 'bin2');
    await mkdir(second);
    await writeFile(join(binDir, 'thick'), '#!/bin/sh\n');
    await chmod(join(binDir, 'thick'), 0o755);
    await writeFile(join(second, 'thick'), '#!/bin/sh\n');
    await chmod(join(second, 'thick'), 0o755);
    await writeFile(join(binDir, 'not-executable'), 'x');
    const catalog = createCatalog({ confDir, pluginDirs: [binDir, second], watch: false });
    catalogs.push(catalog);
    const snapshot = await catalog.sync();
    expect([...snapshot.plugins.keys()]).toEqual(['thick']);
    expect(snapshot.plugins.get('thick')?.path).toBe(join(binDir, 'thick'));
  });

  it('treats a missing conf dir as no networks', async () => {
    await rm(confDir, { recursive: true });
    const snapshot = await open(false).sync();
    expect(snapshot.networks.size).toBe(0);
    expect(snapshot.defaultNetwork).toBeUndefined();
  });

  it('returns the same snapshot object when nothing changed while watching', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(true);
    await catalog.ready;
    const first = await catalog.sync();
    const second = await catalog.sync();
    expect(second).toBe(first);
  });

  it('picks up an added, a changed and a removed file through the watcher', async () => {
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    const catalog = open(true);
    await catalog.ready;
    await catalog.sync();

    const added = await nextReload(catalog, () => writeFile(join(confDir, '20-b.conflist'), conflist('b')));
    expect([...added.networks.keys()]).toEqual(['a', 'b']);

    const changed = await nextReload(catalog, () => writeFile(join(confDir, '20-b.conflist'), conflist('b', 'changed')));
    expect(changed.networks.get('b')?.list.plugins[0]?.type).toBe('changed');

    const removed = await nextReload(catalog, () => unlink(join(confDir, '10-a.conflist')));
    expect([...removed.networks.keys()]).toEqual(['b']);
    expect(removed.defaultNetwork?.name).toBe('b');
  });

  it('sees a plugin binary installed after its config', async () => {
    const catalog = open(true);
    await catalog.ready;
    await catalog.sync();
    const snapshot = await nextReload(catalog, async () => {
      await writeFile(join(binDir, 'late-plugin'), '#!/bin/sh\n', { mode: 0o755 });
    });
    expect(snapshot.plugins.has('late-plugin')).toBe(true);
  });

  it('notifies reload listeners with the new snapshot', async () => {
    const catalog = open(false);
    const seen: number[] = [];
    catalog.onReload((snapshot) => seen.push(snapshot.networks.size));
    await writeFile(join(confDir, '10-a.conflist'), conflist('a'));
    await catalog.sync();
    expect(seen).toEqual([1]);
  });

  it('while watching, sees a conf dir that is a symlink retargeted to another dir', async () => {
    const dirA = join(dir, 'confs-a');
    const dirB = join(dir, 'confs-b');
    await mkdir(dirA);
    await mkdir(dirB);
    await writeFile(join(dirA, '10-a.conflist'), conflist('neta'));
    await writeFile(join(dirB, '10-b.conflist'), conflist('netb'));
    const link = join(dir, 'net.d-link');
    await symlink(dirA, link);
    const catalog = createCatalog({ confDir: link, pluginDirs: [binDir], watch: true });
    catalogs.push(catalog);
    await catalog.ready;
    expect((await catalog.sync()).defaultNetwork?.name).toBe('neta');
    // Retargeted atomically, as a deployment tool does (new link, renamed over the old one).
    await symlink(dirB, `${link}.new`);
    await rename(`${link}.new`, link);
    expect((await catalog.sync()).defaultNetwork?.name).toBe('netb');
    // And the new target is watched: a file added there is seen.
    const snapshot = await nextReload(catalog, () => writeFile(join(dirB, '20-c.conflist'), conflist('netc')));
    expect([...snapshot.networks.keys()]).toEqual(['netb', 'netc']);
  });

  it('rejects a relative conf dir with a TypeError', () => {
    expect(() => createCatalog({ confDir: './net.d' })).toThrow(TypeError);
  });
});
