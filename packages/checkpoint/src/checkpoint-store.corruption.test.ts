import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
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
const quarantined = async (): Promise<string[]> => readdir(join(dir, 'quarantine')).catch(() => []);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-'));
  dir = join(root, 'records');
  problems = [];
  store = await open();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createCheckpointStore: torn records', () => {
  it('quarantines a record cut at every byte offset as RECORD_CORRUPT, and list() still returns the good ones', async () => {
    await store.write('good', { name: 'good', items: [1, 2, 3] });
    await store.write('torn', { name: 'torn', items: [4, 5, 6] });
    const full = await readFile(join(dir, 'torn.json'));
    for (let offset = 0; offset < full.length; offset++) {
      await writeFile(join(dir, 'torn.json'), full.subarray(0, offset));
      const { records, problems: found } = await store.list();
      expect(records.map((r) => r.key), `cut at ${offset}`).toEqual(['good']);
      expect(found.map((p) => p.code), `cut at ${offset}`).toEqual(['RECORD_CORRUPT']);
    }
    expect(await quarantined()).toHaveLength(full.length);
    expect(await store.keys()).toEqual(['good']);
  });

  it('throws RECORD_CORRUPT from read() for a record cut at every byte offset, naming file and quarantine', async () => {
    await store.write('torn', { name: 'torn', items: [4, 5, 6] });
    const full = await readFile(join(dir, 'torn.json'));
    for (let offset = 0; offset < full.length; offset++) {
      await writeFile(join(dir, 'torn.json'), full.subarray(0, offset));
      const error = (await store.read('torn').catch((e: unknown) => e)) as CheckpointError;
      expect(error.code, `cut at ${offset}`).toBe('RECORD_CORRUPT');
      expect(error.message).toContain(join(dir, 'torn.json'));
      expect(error.details.quarantinedTo).toContain(join(dir, 'quarantine', 'torn.'));
    }
    expect(await store.read('torn')).toBeUndefined();
  });
});

describe('createCheckpointStore: altered records', () => {
  it('fails the checksum when one digit of the data changes', async () => {
    await store.write('a', { name: 'a', items: [1234] });
    const text = await readFile(join(dir, 'a.json'), 'utf8');
    await writeFile(join(dir, 'a.json'), text.replace('1234', '1235'));
    await expect(store.read('a')).rejects.toMatchObject({ code: 'RECORD_CORRUPT', message: expect.stringContaining('checksum mismatch') });
  });

  it('never returns a record with any single byte flipped', async () => {
    await store.write('a', { name: 'flip', items: [7, 8] });
    const full = await readFile(join(dir, 'a.json'));
    const dataAt = full.indexOf('"data":') + '"data":'.length;
    for (let offset = 0; offset < full.length; offset++) {
      const altered = Buffer.from(full);
      altered[offset]! ^= 0x01;
      await writeFile(join(dir, 'a.json'), altered);
      const { records, problems: found } = await store.list();
      expect(records, `byte ${offset}`).toEqual([]);
      expect(found).toHaveLength(1);
      if (offset >= dataAt) expect(found[0]?.code, `byte ${offset}`).toBe('RECORD_CORRUPT');
    }
  });

  it('reports every quarantined record to onProblem with where it went', async () => {
    await writeFile(join(dir, 'bad.json'), 'not json');
    await store.list();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'RECORD_CORRUPT', details: { key: 'bad', file: join(dir, 'bad.json') } });
    expect(await readFile(problems[0]!.details.quarantinedTo!, 'utf8')).toBe('not json');
  });

  it('keeps listing when onProblem throws', async () => {
    const loud = await open({ onProblem: () => { throw new Error('listener bug'); } });
    await loud.write('good', { name: 'good', items: [] });
    await writeFile(join(dir, 'bad.json'), '');
    const { records, problems: found } = await loud.list();
    expect(records.map((r) => r.key)).toEqual(['good']);
    expect(found.map((p) => p.code)).toEqual(['RECORD_CORRUPT']);
  });
});

describe('createCheckpointStore: foreign and invalid records', () => {
  it('quarantines a record of another kind as RECORD_KIND_MISMATCH', async () => {
    await (await open({ kind: 'other' })).write('x', { name: 'x', items: [] });
    await expect(store.read('x')).rejects.toMatchObject({ code: 'RECORD_KIND_MISMATCH', message: expect.stringContaining('"other"') });
    expect(await quarantined()).toHaveLength(1);
  });

  it('quarantines a record of another schema version as RECORD_VERSION_UNSUPPORTED', async () => {
    await (await open({ version: 2 })).write('x', { name: 'x', items: [] });
    await expect(store.read('x')).rejects.toMatchObject({ code: 'RECORD_VERSION_UNSUPPORTED', message: expect.stringContaining('version is 2, expected 1') });
    expect(await quarantined()).toHaveLength(1);
  });

  it("quarantines a record the caller's parse rejects as RECORD_INVALID, with the parse error as cause", async () => {
    await (await open({ parse: (d) => d as Rec })).write('bad', { name: 'bad' } as Rec);
    const error = (await store.read('bad').catch((e: unknown) => e)) as CheckpointError;
    expect(error.code).toBe('RECORD_INVALID');
    expect(error.message).toContain('expected {name, items}');
    expect((error.cause as Error).message).toBe('expected {name, items}');
    expect(await quarantined()).toHaveLength(1);
  });

  it('quarantines a symlink planted as a record without following it', async () => {
    await (await open({ dir: join(root, 'elsewhere') })).write('x', { name: 'x', items: [] });
    await symlink(join(root, 'elsewhere', 'x.json'), join(dir, 'x.json'));
    await expect(store.read('x')).rejects.toMatchObject({ code: 'RECORD_CORRUPT', message: expect.stringContaining('symlink') });
    expect(await readdir(join(root, 'elsewhere'))).toEqual(['x.json']);
  });

  it('reports an unreadable record as READ_FAILED and leaves it in place', async () => {
    await mkdir(join(dir, 'odd.json'));
    await store.write('good', { name: 'good', items: [] });
    const { records, problems: found } = await store.list();
    expect(records.map((r) => r.key)).toEqual(['good']);
    expect(found.map((p) => p.code)).toEqual(['READ_FAILED']);
    await expect(store.read('odd')).rejects.toMatchObject({ code: 'READ_FAILED' });
    expect(problems.map((p) => p.code)).toEqual(['READ_FAILED', 'READ_FAILED']);
  });

  it('still refuses a bad record when the quarantine dir is unsafe, and says it was left in place', async () => {
    await mkdir(join(root, 'trap'));
    await symlink(join(root, 'trap'), join(dir, 'quarantine'));
    await writeFile(join(dir, 'bad.json'), '{');
    const error = (await store.read('bad').catch((e: unknown) => e)) as CheckpointError;
    expect(error.code).toBe('RECORD_CORRUPT');
    expect(error.details.quarantinedTo).toBeUndefined();
    expect(error.message).toContain('left in place');
    expect(await readdir(join(root, 'trap'))).toEqual([]);
  });

  it('quarantines a record file that is group- or world-writable instead of trusting it', async () => {
    await store.write('open', { name: 'open', items: [] });
    await chmod(join(dir, 'open.json'), 0o666);
    await expect(store.read('open')).rejects.toMatchObject({ code: 'RECORD_CORRUPT' });
    expect(await quarantined()).toHaveLength(1);
  });

  it('quarantines a record file owned by another user', async () => {
    await store.write('theirs', { name: 'theirs', items: [] });
    await chown(join(dir, 'theirs.json'), 65534, 65534);
    const { records, problems: found } = await store.list();
    expect(records).toEqual([]);
    expect(found.map((p) => p.code)).toEqual(['RECORD_CORRUPT']);
  });

  it('quarantines a record whose value the check refuses for its key, and refuses to write one', async () => {
    const checked = await open({ check: (value, key) => { if (value.name !== key) throw new Error(`names ${value.name}`); } });
    await store.write('a', { name: 'b', items: [] });
    await expect(checked.read('a')).rejects.toMatchObject({ code: 'RECORD_INVALID' });
    expect(await quarantined()).toHaveLength(1);
    await expect(checked.write('c', { name: 'd', items: [] })).rejects.toMatchObject({ code: 'RECORD_INVALID' });
    await checked.write('e', { name: 'e', items: [] });
    expect(await checked.read('e')).toEqual({ name: 'e', items: [] });
  });

  it('reads a record pretty-printed by hand, and one with a trailing newline', async () => {
    await store.write('a', { name: 'a', items: [1] });
    const envelope = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')) as unknown;
    await writeFile(join(dir, 'a.json'), `${JSON.stringify(envelope, null, 2)}\n`);
    expect(await store.read('a')).toEqual({ name: 'a', items: [1] });
    await writeFile(join(dir, 'a.json'), `${JSON.stringify(envelope)}\n`);
    expect(await store.read('a')).toEqual({ name: 'a', items: [1] });
  });
});
