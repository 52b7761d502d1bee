import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from './checkpoint-store.ts';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-res-'));
  dir = join(root, 'records');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const openStore = () => createCheckpointStore<{ n: number }>({ dir, kind: 'k', version: 1, parse: (d) => d as { n: number } });
const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('createCheckpointStore: resources and ordering', () => {
  it('leaves no file descriptor open after writes, reads, lists and removes', async () => {
    const store = await openStore();
    await store.write('warm', { n: 0 });
    await store.list();
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      await store.write(`k${i}`, { n: i });
      await store.read(`k${i}`);
    }
    await store.list();
    for (let i = 0; i < 20; i++) await store.remove(`k${i}`);
    expect(openFds()).toBe(before);
  });

  it('lets a list issued after a write see that write, even before it settled', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    const writing = store.write('a', { n: 2 });
    const { records } = await store.list();
    await writing;
    expect(records).toEqual([{ key: 'a', value: { n: 2 } }]);
  });

  it('sorts keys by key, not by file name', async () => {
    const store = await openStore();
    await store.write('a.b', { n: 1 });
    await store.write('a', { n: 2 });
    expect(await store.keys()).toEqual(['a', 'a.b']);
    expect((await store.list()).records.map((r) => r.key)).toEqual(['a', 'a.b']);
  });

  it('leaves a temp file exactly as old as the store alone', async () => {
    const createdAt = 1_800_000_000_000;
    const store = await (async () => {
      const now = vi.spyOn(Date, 'now').mockReturnValue(createdAt);
      try {
        return await openStore();
      } finally {
        now.mockRestore();
      }
    })();
    const same = join(dir, '.k.aaaaaaaaaaaa.tmp');
    const older = join(dir, '.k.bbbbbbbbbbbb.tmp');
    await writeFile(same, 'x');
    await writeFile(older, 'x');
    await utimes(same, createdAt / 1000, createdAt / 1000);
    await utimes(older, (createdAt - 1) / 1000, (createdAt - 1) / 1000);
    await store.list();
    expect(await readdir(dir)).toEqual(['.k.aaaaaaaaaaaa.tmp']);
  });
});
