import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
import type { CheckpointError } from './errors.ts';

interface Rec {
  name: string;
  items: number[];
}
const parseRec = (data: unknown): Rec => {
  const value = data as Partial<Rec> | null;
  if (typeof value?.name !== 'string' || !Array.isArray(value.items)) throw new Error('expected {name, items}');
  return { name: value.name, items: value.items };
};

let root: string;
let dir: string;
let store: CheckpointStore<Rec>;
let problems: CheckpointError[];

const open = (overrides: Partial<Parameters<typeof createCheckpointStore<Rec>>[0]> = {}) =>
  createCheckpointStore<Rec>({ dir, kind: 'test', version: 1, parse: parseRec, onProblem: (p) => problems.push(p), ...overrides });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-'));
  dir = join(root, 'state', 'records');
  problems = [];
  store = await open();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createCheckpointStore: records', () => {
  it('reads back what it wrote', async () => {
    await store.write('a', { name: 'a', items: [1, 2] });
    expect(await store.read('a')).toEqual({ name: 'a', items: [1, 2] });
  });

  it('reads an absent key as undefined', async () => {
    expect(await store.read('missing')).toBeUndefined();
  });

  it('replaces a record whole and leaves no temp file behind', async () => {
    await store.write('a', { name: 'a', items: [1] });
    await store.write('a', { name: 'a', items: [2] });
    expect(await store.read('a')).toEqual({ name: 'a', items: [2] });
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('stores an envelope with kind, version and a sha256 checksum of the data', async () => {
    await store.write('a', { name: 'a', items: [] });
    const envelope = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')) as Record<string, unknown>;
    expect(envelope).toMatchObject({ kind: 'test', version: 1, checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), data: { name: 'a', items: [] } });
  });

  it('lists every record sorted by key, across read batches', async () => {
    const fast = await open({ fsync: false });
    const keys = Array.from({ length: 300 }, (_, i) => `pod-${String(i).padStart(3, '0')}`).reverse();
    await Promise.all(keys.map((key) => fast.write(key, { name: key, items: [] })));
    const { records, problems: found } = await store.list();
    expect(found).toEqual([]);
    expect(records.map((r) => r.key)).toEqual([...keys].sort());
    expect(records.every((r) => r.value.name === r.key)).toBe(true);
  });

  it('lists keys without the quarantine dir, temp files or foreign names', async () => {
    await store.write('b', { name: 'b', items: [] });
    await store.write('a', { name: 'a', items: [] });
    await writeFile(join(dir, '.a.0123.tmp'), 'partial');
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, '.hidden.json'), '{}');
    await mkdir(join(dir, 'quarantine'));
    expect(await store.keys()).toEqual(['a', 'b']);
  });

  it('lets a read issued after a write see that write, even before it settled', async () => {
    await store.write('k', { name: 'old', items: [] });
    const writing = store.write('k', { name: 'new', items: [] });
    const reading = store.read('k');
    await writing;
    expect(await reading).toEqual({ name: 'new', items: [] });
  });

  it('serializes concurrent writes to one key: the last call wins', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write('k', { name: 'k', items: [i] })));
    expect(await store.read('k')).toEqual({ name: 'k', items: [19] });
  });

  it('orders writes and removes of one key as called', async () => {
    await Promise.all([store.write('k', { name: 'first', items: [] }), store.remove('k'), store.write('k', { name: 'last', items: [] })]);
    expect(await store.read('k')).toEqual({ name: 'last', items: [] });
    await Promise.all([store.write('k', { name: 'again', items: [] }), store.remove('k')]);
    expect(await store.read('k')).toBeUndefined();
  });

  it('keeps the value as it was when write was called', async () => {
    const value = { name: 'a', items: [1] };
    const writing = store.write('a', value);
    value.items.push(2);
    await writing;
    expect(await store.read('a')).toEqual({ name: 'a', items: [1] });
  });
});

describe('createCheckpointStore: remove', () => {
  it('removes a record', async () => {
    await store.write('a', { name: 'a', items: [] });
    await store.remove('a');
    expect(await store.read('a')).toBeUndefined();
    expect(await store.keys()).toEqual([]);
  });

  it('removes an absent key without complaint, twice', async () => {
    await store.remove('never-written');
    await store.remove('never-written');
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports REMOVE_FAILED naming the file when the record cannot be unlinked', async () => {
    await mkdir(join(dir, 'stuck.json'));
    await expect(store.remove('stuck')).rejects.toMatchObject({ code: 'REMOVE_FAILED', message: expect.stringContaining(join(dir, 'stuck.json')) });
  });
});

describe('createCheckpointStore: write failures', () => {
  it('refuses a value the caller parse rejects, and writes nothing', async () => {
    await expect(store.write('a', { name: 'a' } as Rec)).rejects.toMatchObject({ code: 'RECORD_INVALID', details: { key: 'a' } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a value with no JSON form', async () => {
    await expect(store.write('a', undefined as unknown as Rec)).rejects.toMatchObject({ code: 'RECORD_INVALID' });
    await expect(store.write('b', { name: 'b', items: [1n] } as unknown as Rec)).rejects.toMatchObject({ code: 'RECORD_INVALID' });
  });

  it('reports WRITE_FAILED naming the file, keeps what was there, and removes its temp file', async () => {
    await mkdir(join(dir, 'blocked.json', 'inside'), { recursive: true });
    await expect(store.write('blocked', { name: 'x', items: [] })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringContaining(join(dir, 'blocked.json')),
    });
    expect(await readdir(dir)).toEqual(['blocked.json']);
  });

  it('keeps serving a key after a failed write to it', async () => {
    await expect(store.write('a', { name: 'a' } as Rec)).rejects.toMatchObject({ code: 'RECORD_INVALID' });
    await store.write('a', { name: 'a', items: [] });
    expect(await store.read('a')).toEqual({ name: 'a', items: [] });
  });
});

describe('createCheckpointStore: keys', () => {
  it.each(['', '.hidden', '../escape', 'a/b', 'a b', '-dash', 'x'.repeat(202), 'é'])('refuses the key %j with KEY_INVALID', async (key) => {
    await expect(store.write(key, { name: 'x', items: [] })).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(store.read(key)).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(store.remove(key)).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });

  it('accepts keys of 201 characters with dots, dashes and underscores', async () => {
    const key = `a${'b._-'.repeat(50)}`;
    await store.write(key, { name: 'long', items: [] });
    expect(await store.keys()).toEqual([key]);
  });
});

describe('createCheckpointStore: temp files a crash left behind', () => {
  it('removes temp files older than the store and ignores them as records', async () => {
    await writeFile(join(dir, '.a.0123abcd.tmp'), '{"kind":"test"');
    const past = new Date(Date.now() - 60_000);
    await utimes(join(dir, '.a.0123abcd.tmp'), past, past);
    const { records, problems: found } = await (await open()).list();
    expect(records).toEqual([]);
    expect(found).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves temp files younger than the store alone: another writer may own them', async () => {
    await writeFile(join(dir, '.a.0123abcd.tmp'), '{"kind":"test"');
    const future = new Date(Date.now() + 60_000);
    await utimes(join(dir, '.a.0123abcd.tmp'), future, future);
    await store.list();
    expect(await readdir(dir)).toEqual(['.a.0123abcd.tmp']);
  });
});

describe('createCheckpointStore: files on disk', () => {
  it('keeps files private: 0600 records in a 0700 dir, parents created 0700', async () => {
    await store.write('a', { name: 'a', items: [] });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'state'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a.json'))).mode & 0o777).toBe(0o600);
  });

  it('writes records with fsync off too, still atomically', async () => {
    const fast = await open({ fsync: false });
    await fast.write('a', { name: 'a', items: [] });
    await fast.remove('b');
    expect(await fast.read('a')).toEqual({ name: 'a', items: [] });
  });

  it('hands its dir back as given', () => {
    expect(store.dir).toBe(dir);
  });
});
