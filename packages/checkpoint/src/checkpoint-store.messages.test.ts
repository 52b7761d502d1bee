import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
import { checkpointErrorOf } from '../../../test/support/rec-log.ts';

interface Rec {
  name: string;
}
const parseRec = (data: unknown): Rec => {
  if (typeof (data as Rec | null)?.name !== 'string') throw new Error('expected {name}');
  return data as Rec;
};

let root: string;
let dir: string;
let store: CheckpointStore<Rec>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-msg-'));
  dir = join(root, 'records');
  store = await createCheckpointStore<Rec>({ dir, kind: 'test', version: 1, parse: parseRec });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});


describe('createCheckpointStore: what its errors say', () => {
  it('says where a quarantined record was moved', async () => {
    await writeFile(join(dir, 'bad.json'), '{');
    const error = await checkpointErrorOf(store.read('bad'));
    expect(error.details.quarantinedTo).toBeDefined();
    expect(error.message).toMatch(new RegExp(`^checkpoint ${join(dir, 'bad.json')} is unusable: it is not JSON .*; moved to ${error.details.quarantinedTo}$`));
  });

  it('reports an unreadable record as READ_FAILED with file, key, cause and the reason', async () => {
    await mkdir(join(dir, 'odd.json'));
    const error = await checkpointErrorOf(store.read('odd'));
    expect(error).toMatchObject({ code: 'READ_FAILED', details: { file: join(dir, 'odd.json'), key: 'odd' }, cause: { code: 'EISDIR' } });
    expect(error.message).toBe(`cannot read checkpoint ${join(dir, 'odd.json')}: EISDIR: illegal operation on a directory, read '${join(dir, 'odd.json')}'`);
  });

  it('says why it refuses a record file owned by another user or writable by others', async () => {
    await store.write('theirs', { name: 'theirs' });
    await chown(join(dir, 'theirs.json'), 65534, 65534);
    expect((await checkpointErrorOf(store.read('theirs'))).message).toContain(`${join(dir, 'theirs.json')} is owned by uid 65534, not ${process.getuid!()}`);
    await store.write('open', { name: 'open' });
    await chmod(join(dir, 'open.json'), 0o646);
    expect((await checkpointErrorOf(store.read('open'))).message).toContain(`${join(dir, 'open.json')} is group- or world-writable (mode 646)`);
  });

  it('refuses a record file that is not a regular file, such as a device', async () => {
    execFileSync('mknod', [join(dir, 'dev.json'), 'c', '1', '3']);
    const error = await checkpointErrorOf(store.read('dev'));
    expect(error.code).toBe('RECORD_CORRUPT');
    expect(error.message).toContain(`${join(dir, 'dev.json')} is not a regular file`);
  });

  it('reports READ_FAILED naming the dir when the dir cannot be listed', async () => {
    await rm(dir, { recursive: true });
    const error = await checkpointErrorOf(store.keys());
    expect(error).toMatchObject({ code: 'READ_FAILED', details: { file: dir }, cause: { code: 'ENOENT' } });
    expect(error.message).toMatch(new RegExp(`^cannot list checkpoint dir ${dir}: ENOENT`));
    expect((await checkpointErrorOf(store.list())).code).toBe('READ_FAILED');
  });

  it('says a value has no JSON form, naming file, key and the encoder error', async () => {
    const file = join(dir, 'a.json');
    const big = await checkpointErrorOf(store.write('a', { name: 'a', n: 1n } as unknown as Rec));
    expect(big).toMatchObject({ code: 'RECORD_INVALID', details: { file, key: 'a' }, cause: expect.any(TypeError) });
    expect(big.message).toMatch(new RegExp(`^cannot write checkpoint ${file}: its value has no JSON form: .*BigInt`));
    const none = await checkpointErrorOf(store.write('a', undefined as unknown as Rec));
    expect(none).toMatchObject({ code: 'RECORD_INVALID', details: { file, key: 'a' }, message: `cannot write checkpoint ${file}: its value has no JSON form (got undefined)` });
  });

  it("says the caller's parse refused a value, with its error as cause", async () => {
    const error = await checkpointErrorOf(store.write('a', { other: 1 } as unknown as Rec));
    expect(error).toMatchObject({ code: 'RECORD_INVALID', details: { file: join(dir, 'a.json'), key: 'a' }, cause: { message: 'expected {name}' } });
    expect(error.message).toBe(`cannot write checkpoint ${join(dir, 'a.json')}: the caller's parse rejected its data: expected {name}`);
  });

  it('reports WRITE_FAILED with file, key and the fs error as cause', async () => {
    await mkdir(join(dir, 'a.json', 'inside'), { recursive: true });
    const error = await checkpointErrorOf(store.write('a', { name: 'a' }));
    expect(error).toMatchObject({ code: 'WRITE_FAILED', details: { file: join(dir, 'a.json'), key: 'a' }, cause: { code: expect.stringMatching(/^E/) } });
  });

  it('reports REMOVE_FAILED with the fs error as cause', async () => {
    await mkdir(join(dir, 'stuck.json'));
    const error = await checkpointErrorOf(store.remove('stuck'));
    expect(error).toMatchObject({ code: 'REMOVE_FAILED', details: { file: join(dir, 'stuck.json'), key: 'stuck' }, cause: { code: expect.stringMatching(/^E/) } });
  });

  it('reports what a parse threw even when it is not an Error', async () => {
    const odd = await createCheckpointStore<Rec>({ dir: join(root, 'odd'), kind: 'test', version: 1, parse: () => { throw 'nope'; } });
    expect((await checkpointErrorOf(odd.write('a', { name: 'a' }))).message).toContain("the caller's parse rejected its data: nope");
    const nothing = await createCheckpointStore<Rec>({ dir: join(root, 'nothing'), kind: 'test', version: 1, parse: () => { throw null; } });
    expect((await checkpointErrorOf(nothing.write('a', { name: 'a' }))).message).toContain("the caller's parse rejected its data: null");
  });

  it('lists keys sorted whatever order the files were made in', async () => {
    for (const key of ['m', 'b', 'z', 'a', 'q', 'c']) await store.write(key, { name: key });
    expect(await store.keys()).toEqual(['a', 'b', 'c', 'm', 'q', 'z']);
  });
});
