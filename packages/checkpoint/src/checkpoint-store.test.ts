import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
import { CheckpointError } from './errors.ts';

interface Rec {
  name: string;
  items: number[];
}
const parse = (data: unknown): Rec => {
  const value = data as Rec;
  if (typeof value?.name !== 'string' || !Array.isArray(value.items)) throw new Error('not a Rec');
  return value;
};

let root: string;
let dir: string;
let store: CheckpointStore<Rec>;
let problems: CheckpointError[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-'));
  dir = join(root, 'records');
  problems = [];
  store = await createCheckpointStore({ dir, kind: 'test', version: 1, parse, onProblem: (p) => problems.push(p) });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createCheckpointStore', () => {
  it('round-trips records and lists them by key', async () => {
    await store.write('b', { name: 'b', items: [2] });
    await store.write('a', { name: 'a', items: [1] });
    expect(await store.read('a')).toEqual({ name: 'a', items: [1] });
    expect(await store.read('missing')).toBeUndefined();
    expect((await store.list()).records.map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('keeps files private: 0600 records in a 0700 dir', async () => {
    await store.write('a', { name: 'a', items: [] });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a symlinked or world-writable dir', async () => {
    await mkdir(join(root, 'real'), { mode: 0o700 });
    await symlink(join(root, 'real'), join(root, 'link'));
    await expect(createCheckpointStore({ dir: join(root, 'link'), kind: 'test', version: 1, parse })).rejects.toMatchObject({ code: 'DIR_UNSAFE' });
    await mkdir(join(root, 'open'));
    await chmod(join(root, 'open'), 0o777);
    await expect(createCheckpointStore({ dir: join(root, 'open'), kind: 'test', version: 1, parse })).rejects.toMatchObject({ code: 'DIR_UNSAFE' });
  });

  it('quarantines a record cut at every byte offset and never returns it', async () => {
    await store.write('good', { name: 'good', items: [1, 2, 3] });
    const full = await readFile(join(dir, 'good.json'), 'utf8');
    for (let offset = 0; offset < full.trimEnd().length; offset++) {
      await writeFile(join(dir, 'torn.json'), full.slice(0, offset));
      const { records, problems: found } = await store.list();
      expect(records.map((r) => r.key)).toEqual(['good']);
      expect(found.map((p) => p.code)).toEqual(['RECORD_CORRUPT']);
    }
    expect((await readdir(join(dir, 'quarantine'))).length).toBe(full.trimEnd().length);
  });

  it('detects a flipped byte through the checksum', async () => {
    await store.write('a', { name: 'a', items: [1234] });
    const text = await readFile(join(dir, 'a.json'), 'utf8');
    await writeFile(join(dir, 'a.json'), text.replace('1234', '1235'));
    await expect(store.read('a')).rejects.toMatchObject({ code: 'RECORD_CORRUPT', message: expect.stringContaining('checksum') });
    expect(problems[0]?.details.quarantinedTo).toContain('quarantine');
  });

  it('quarantines a record of another kind or version, and one the caller rejects', async () => {
    const other = await createCheckpointStore({ dir, kind: 'other', version: 1, parse });
    await other.write('x', { name: 'x', items: [] });
    await expect(store.read('x')).rejects.toMatchObject({ code: 'RECORD_KIND_MISMATCH' });
    await createCheckpointStore({ dir, kind: 'test', version: 1, parse: (d) => d as Rec }).then((loose) => loose.write('bad', { name: 'bad' } as Rec));
    await expect(store.read('bad')).rejects.toMatchObject({ code: 'RECORD_INVALID' });
  });

  it('replaces a record whole and leaves no temp file', async () => {
    await store.write('a', { name: 'a', items: [1] });
    await store.write('a', { name: 'a', items: [2] });
    expect(await store.read('a')).toEqual({ name: 'a', items: [2] });
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('serializes concurrent writes to one key: the last one wins', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write('k', { name: 'k', items: [i] })));
    expect(await store.read('k')).toEqual({ name: 'k', items: [19] });
  });

  it('removes stale temp files a crash left behind', async () => {
    await writeFile(join(dir, '.tmp-a.json.abc'), 'half');
    await createCheckpointStore({ dir, kind: 'test', version: 1, parse });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes idempotently and refuses keys that are paths', async () => {
    await store.remove('never-written');
    await expect(store.write('../escape', { name: 'x', items: [] })).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });
});
