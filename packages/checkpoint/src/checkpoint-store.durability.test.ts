import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from './checkpoint-store.ts';
import { countSyncs } from '../../../test/support/fsync-counter.ts';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-durable-'));
  dir = join(root, 'records');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const openStore = (fsync?: boolean) => createCheckpointStore<{ n: number }>({ dir, kind: 'k', version: 1, parse: (d) => d as { n: number }, ...(fsync === undefined ? {} : { fsync }) });

describe('createCheckpointStore: fsync', () => {
  it('fsyncs the file and the dir on each write by default', async () => {
    const store = await openStore();
    const syncs = await countSyncs(root);
    await store.write('a', { n: 1 });
    expect(syncs.count).toBe(2);
  });

  it('fsyncs the dir on remove, also when the record was already gone', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    const syncs = await countSyncs(root);
    await store.remove('a');
    expect(syncs.count).toBe(1);
    await store.remove('a');
    expect(syncs.count).toBe(2);
  });

  it('fsyncs nothing on write, remove or quarantine with fsync: false', async () => {
    const store = await openStore(false);
    const syncs = await countSyncs(root);
    await store.write('a', { n: 1 });
    await store.remove('a');
    await writeFile(join(dir, 'bad.json'), 'torn');
    await expect(store.read('bad')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    expect(syncs.count).toBe(0);
    expect(await readdir(join(dir, 'quarantine'))).toHaveLength(1);
  });

  it('fsyncs the quarantine dir and the store dir when it quarantines a record', async () => {
    const store = await openStore();
    await writeFile(join(dir, 'bad.json'), 'torn');
    const syncs = await countSyncs(root);
    await expect(store.read('bad')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    expect(syncs.count).toBe(2);
  });

  it('reports REMOVE_FAILED when the dir fsync after a remove fails', async () => {
    const store = await openStore();
    await store.write('a', { n: 1 });
    const probe = await open(root, 'r');
    const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    vi.spyOn(prototype, 'sync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await expect(store.remove('a')).rejects.toMatchObject({ code: 'REMOVE_FAILED', details: { key: 'a', file: join(dir, 'a.json') } });
  });
});
