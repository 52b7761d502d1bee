import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from './checkpoint-store.ts';

// A file listed by readdir may be removed (by another process on the same dir) before list()
// reads or lstats it. Made deterministic here: the store's readdir adds names that are not on disk.
const ports = vi.hoisted(() => ({ phantoms: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    // The store lists names only (readdir(dir), no options).
    readdir: async (path: string) => [...(await fsp.readdir(path)), ...ports.phantoms],
  };
});

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-vanished-'));
  dir = join(root, 'records');
  ports.phantoms = [];
});
afterEach(async () => {
  ports.phantoms = [];
  await rm(root, { recursive: true, force: true });
});

const openStore = () => createCheckpointStore<{ n: number }>({ dir, kind: 'k', version: 1, parse: (d) => d as { n: number } });

describe('createCheckpointStore: list() with files removed between the listing and their read', () => {
  it('skips a record that vanished after the listing: no record and no problem for it', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    await store.write('c', { n: 3 });
    ports.phantoms = ['b.json'];
    expect(await store.keys()).toEqual(['a', 'b', 'c']);
    const listed = await store.list();
    expect(listed.problems).toEqual([]);
    expect(listed.records).toEqual([
      { key: 'a', value: { n: 1 } },
      { key: 'c', value: { n: 3 } },
    ]);
  });

  it('lists normally when a stale temp file it was about to sweep vanished first', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    ports.phantoms = ['.a.0123456789ab.tmp'];
    expect(await store.list()).toEqual({ records: [{ key: 'a', value: { n: 1 } }], problems: [] });
    ports.phantoms = [];
    expect(await readdir(dir)).toEqual(['a.json']);
  });
});
