/**
 * A conf file that changes while the catalog reads it, made deterministic: `stat` from
 * node:fs/promises is wrapped so a test can make the stat taken after the read differ (or fail),
 * the clock is faked for the rewrite-settle window, and the dir watcher is a fake fired by hand.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stats } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirChange } from '../watch/chokidar-watcher.ts';
import { createCatalog, type Catalog } from './catalog.ts';

const hooks = vi.hoisted(() => ({
  /** Per path: how many stat calls on it so far. */
  calls: new Map<string, number>(),
  /** Per path: replaces the result of its n-th stat call (1-based), given the real one. */
  rewrite: new Map<string, (call: number, real: () => Promise<Stats>) => Promise<Stats>>(),
  watchers: [] as Array<(change: DirChange) => void>,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const stat = (async (path: string) => {
    const call = (hooks.calls.get(path) ?? 0) + 1;
    hooks.calls.set(path, call);
    const real = () => actual.stat(path);
    const rewrite = hooks.rewrite.get(path);
    return rewrite ? rewrite(call, real) : real();
  }) as typeof actual.stat;
  return { ...actual, default: { ...actual, stat }, stat };
});

vi.mock('../watch/chokidar-watcher.ts', () => ({
  createDirWatcher: (_dirs: readonly string[], onChange: (change: DirChange) => void) => {
    hooks.watchers.push(onChange);
    return { ready: Promise.resolve(), close: async () => undefined };
  },
}));

const conflist = (name: string, type = 'noop') => JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type }] });

let dir: string;
let confDir: string;
let catalogs: Catalog[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-catalog-race-'));
  confDir = join(dir, 'net.d');
  await mkdir(confDir);
  await mkdir(join(dir, 'bin'));
  hooks.calls.clear();
  hooks.rewrite.clear();
  hooks.watchers.length = 0;
  catalogs = [];
});

afterEach(async () => {
  vi.useRealTimers();
  hooks.rewrite.clear();
  await Promise.all(catalogs.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

function open(watch: boolean): Catalog {
  const catalog = createCatalog({ confDir, pluginDirs: [join(dir, 'bin')], watch });
  catalogs.push(catalog);
  return catalog;
}

const names = (catalog: Catalog) => [...catalog.snapshot.networks.keys()];
const typeOf = (catalog: Catalog, name: string) => catalog.snapshot.networks.get(name)?.list.plugins[0]?.type;
/** From now on, the stat that follows the read of `file` (its 2nd stat in a sync) sees another mtime. */
function changeDuringNextRead(file: string): void {
  const first = (hooks.calls.get(file) ?? 0) + 1;
  hooks.rewrite.set(file, async (call, real) => {
    const stats = await real();
    return call === first + 1 ? ({ ...stats, mtimeMs: stats.mtimeMs + 1 } as Stats) : stats;
  });
}

describe('a conf file that changes while it is read', () => {
  it('is left out, not loaded from the text read, until a sync reads it whole', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(false);
    changeDuringNextRead(file);
    await catalog.sync();
    expect(names(catalog)).toEqual(['b']);
    expect(catalog.snapshot.problems).toEqual([]);
    hooks.rewrite.delete(file);
    await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
  });

  it('keeps the version loaded before when it changes again while its new text is read', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a', 'old'));
    const catalog = open(false);
    await catalog.sync();
    await writeFile(file, conflist('a', 'new'));
    changeDuringNextRead(file);
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('old');
    hooks.rewrite.delete(file);
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('new');
  });

  it('is left out when the stat after its read fails', async () => {
    const file = join(confDir, '10-a.conflist');
    await writeFile(file, conflist('a'));
    const catalog = open(false);
    hooks.rewrite.set(file, async (call, real) => {
      if (call === 2) throw Object.assign(new Error('ENOENT: injected'), { code: 'ENOENT' });
      return real();
    });
    await catalog.sync();
    expect(names(catalog)).toEqual([]);
    expect(catalog.snapshot.problems).toEqual([]);
  });

  it('when new and caught mid-write, takes its place in conf order once its change event arrives, even after a sync without events', async () => {
    const a = join(confDir, '10-a.conflist');
    await writeFile(a, conflist('a'));
    await writeFile(join(confDir, '20-b.conflist'), conflist('b'));
    const catalog = open(true);
    changeDuringNextRead(a);
    await catalog.sync();
    expect(names(catalog)).toEqual(['b']);
    hooks.rewrite.delete(a);
    await catalog.sync();
    hooks.watchers.at(-1)!({ kind: 'change', path: a });
    await catalog.sync();
    expect(names(catalog)).toEqual(['a', 'b']);
    expect(catalog.snapshot.defaultNetwork?.name).toBe('a');
  });
});

describe('a good conf file that turns unparsable', () => {
  /** Loads a good file, then makes it unparsable with an mtime of whole second `seconds`. */
  async function turnBad(catalog: Catalog, file: string, seconds: number): Promise<void> {
    await writeFile(file, conflist('a', 'good'));
    await utimes(file, seconds - 60, seconds - 60);
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('good');
    await writeFile(file, '{"cniVersion": "1.0.0", "name": "a", "plu');
    await utimes(file, seconds, seconds);
  }

  it('is reported, no longer kept, once its last write is exactly 2000 ms old', async () => {
    const file = join(confDir, '10-a.conflist');
    const seconds = Math.floor(Date.now() / 1000) - 3600;
    const catalog = open(false);
    await turnBad(catalog, file, seconds);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(seconds * 1000 + 2000);
    await catalog.sync();
    expect(names(catalog)).toEqual([]);
    expect(catalog.snapshot.problems).toMatchObject([{ file, code: 'CONFIG_INVALID' }]);
  });

  it('is kept as mid-rewrite while its last write is 1999 ms old', async () => {
    const file = join(confDir, '10-a.conflist');
    const seconds = Math.floor(Date.now() / 1000) - 3600;
    const catalog = open(false);
    await turnBad(catalog, file, seconds);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(seconds * 1000 + 1999);
    await catalog.sync();
    expect(typeOf(catalog, 'a')).toBe('good');
    expect(catalog.snapshot.problems).toEqual([]);
  });
});
