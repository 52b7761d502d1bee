import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useRecLogBed, type Rec } from '../../../test/support/rec-log.ts';

const bed = useRecLogBed('multinet-logmut-', { durability: 'process-crash' });
const { problems, openLog, errorOf } = bed;
const names = async (): Promise<string[]> => (await readdir(bed.logDir)).sort();
/** The length of one frame of a record like `{ id: 'a', n: 1 }` (one-letter key and id, one-digit n). */
const frameLength = async (): Promise<number> => {
  const probe = await openLog({}, join(bed.dir, 'probe'));
  await probe.write('a', { id: 'a', n: 1 });
  return probe.stats().fileBytes;
};
const envelope = (value: Rec): string => `{"kind":"rec","version":1,"data":${JSON.stringify(value)}}`;
const QUARANTINE_NAME = /^(.+)\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.[^.]+\.entry$/;


describe('a record log, opening', () => {
  it('creates records-1.log in a new dir and names its dir and durability', async () => {
    const log = await openLog({ durability: undefined });
    expect(log.dir).toBe(bed.logDir);
    expect(log.durability).toBe('power-loss');
    expect(await names()).toEqual(['records-1.log']);
    expect((await openLog({ durability: 'process-crash' }, join(bed.dir, 'other'))).durability).toBe('process-crash');
  });

  it('removes only the temp files a compaction leaves (records-<n>.log.tmp), and opens past one it cannot remove', async () => {
    await mkdir(bed.logDir, { recursive: true, mode: 0o700 });
    for (const name of ['records-12.log.tmp', 'records-1.log.tmp.keep', 'xrecords-1.log.tmp', 'records-.log.tmp', 'records-1.logxtmp']) {
      await writeFile(join(bed.logDir, name), 'x', { mode: 0o600 });
    }
    await mkdir(join(bed.logDir, 'records-5.log.tmp'));
    await openLog();
    expect(await names()).toEqual(['records-.log.tmp', 'records-1.log', 'records-1.log.tmp.keep', 'records-1.logxtmp', 'records-5.log.tmp', 'xrecords-1.log.tmp']);
  });

  it('keeps only the newest of three generations and replays it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.compact();
    await log.write('a', { id: 'a', n: 2 });
    await log.compact();
    await log.close();
    expect(await names()).toEqual(['records-3.log']);
    await writeFile(join(bed.logDir, 'records-1.log'), 'stale', { mode: 0o600 });
    await writeFile(join(bed.logDir, 'records-2.log'), 'stale', { mode: 0o600 });
    const again = await openLog();
    expect(await again.read('a')).toEqual({ id: 'a', n: 2 });
    expect(await names()).toEqual(['records-3.log']);
  });

  it('narrows a log file readable by others to 0600, and opens it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.close();
    const file = join(bed.logDir, 'records-1.log');
    await chmod(file, 0o644);
    const again = await openLog();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await again.read('a')).toEqual({ id: 'a', n: 1 });
  });

  it.each([
    [0o660, '660'],
    [0o602, '602'],
    [0o666, '666'],
  ])('refuses a log file of mode %o, naming the mode', async (mode, shown) => {
    await (await openLog()).close();
    const file = join(bed.logDir, 'records-1.log');
    await chmod(file, mode);
    const error = await errorOf(openLog());
    expect(error.code).toBe('LOG_UNSAFE');
    expect(error.message).toBe(`record log ${file} is writable by group or others (mode ${shown})`);
    expect(error.details).toEqual({ file });
  });

  it('refuses a log file owned by another user, naming both uids', async () => {
    await (await openLog()).close();
    const file = join(bed.logDir, 'records-1.log');
    await chown(file, 65534, 65534);
    const error = await errorOf(openLog());
    expect(error).toMatchObject({ code: 'LOG_UNSAFE', message: `record log ${file} is owned by uid 65534, not by this process (uid ${process.getuid!()})` });
  });

  it('refuses a log file that is not a regular file', async () => {
    await (await openLog()).close();
    const file = join(bed.logDir, 'records-1.log');
    await rm(file);
    execFileSync('mkfifo', ['-m', '600', file]);
    const error = await errorOf(openLog());
    expect(error).toMatchObject({ code: 'LOG_UNSAFE', message: `record log ${file} is not a regular file`, details: { file } });
  });

  it('says a symlinked log file is a symlink', async () => {
    await (await openLog()).close();
    const file = join(bed.logDir, 'records-1.log');
    await rm(file);
    await writeFile(join(bed.dir, 'elsewhere'), '', { mode: 0o600 });
    execFileSync('ln', ['-s', join(bed.dir, 'elsewhere'), file]);
    const error = await errorOf(openLog());
    expect(error).toMatchObject({ code: 'LOG_UNSAFE', message: `record log ${file} is a symlink`, details: { file } });
  });

  it('fails with DIR_UNAVAILABLE when the log file cannot be opened', async () => {
    await mkdir(join(bed.logDir, 'records-1.log'), { recursive: true });
    await chmod(bed.logDir, 0o700);
    const file = join(bed.logDir, 'records-1.log');
    const error = await errorOf(openLog());
    expect(error.code).toBe('DIR_UNAVAILABLE');
    expect(error.message.startsWith(`cannot open record log ${file}: EISDIR`)).toBe(true);
    expect(error.details).toEqual({ file });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it('cuts off and saves aside a corrupt tail, saying how many bytes and where they went', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.close();
    const file = join(bed.logDir, 'records-1.log');
    const good = await readFile(file);
    const garbage = Buffer.from([1, 0, 0, 0, 9, 9, 9, 9, 7, 7, 7]);
    await writeFile(file, Buffer.concat([good, garbage]));
    const again = await openLog();
    expect(await again.keys()).toEqual(['a']);
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    const quarantinedTo = problem!.details.quarantinedTo!;
    expect(problem).toMatchObject({ code: 'RECORD_CORRUPT', details: { file, quarantinedTo } });
    expect(problem!.message).toBe(`record log ${file} has ${garbage.length} bytes after its last good entry that are not an entry cut short; they were cut off and saved to ${quarantinedTo}`);
    expect(quarantinedTo.startsWith(join(bed.logDir, 'quarantine', 'log-tail.'))).toBe(true);
    expect(await readFile(quarantinedTo)).toEqual(garbage);
    expect(await readFile(file)).toEqual(good);
  });

  it('still cuts off a corrupt tail it cannot save, and says nothing of saving it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.close();
    const file = join(bed.logDir, 'records-1.log');
    const good = await readFile(file);
    await writeFile(file, Buffer.concat([good, Buffer.alloc(12)]));
    await writeFile(join(bed.logDir, 'quarantine'), 'a file where the quarantine dir goes', { mode: 0o600 });
    await openLog();
    expect(problems.map((p) => p.message)).toEqual([`record log ${file} has 12 bytes after its last good entry that are not an entry cut short; they were cut off`]);
    expect(problems[0]!.details.quarantinedTo).toBeUndefined();
    expect(await readFile(file)).toEqual(good);
  });

  it('replays a log larger than its read chunk, with entries across the chunk bounds and larger than the read buffer', async () => {
    const big = (key: string, n: number) => ({ id: key, n, pad: 'x'.repeat(300_000 + n) }) as Rec;
    const log = await openLog();
    for (let i = 0; i < 5; i++) await log.write(`k${i}`, big(`k${i}`, i));
    await log.remove('k1');
    await log.write('k0', big('k0', 9));
    await log.write('small', { id: 'small', n: 1 });
    const before = log.stats();
    await log.close();
    const again = await openLog();
    expect(again.stats()).toEqual(before);
    expect((await again.list()).records.map((r) => [r.key, r.value.n])).toEqual([
      ['k0', 9],
      ['k2', 2],
      ['k3', 3],
      ['k4', 4],
      ['small', 1],
    ]);
    expect(await again.read('k4')).toEqual({ id: 'k4', n: 4 });
    expect(problems).toEqual([]);
  });
});

describe('a record log, writing and reading', () => {
  it('keeps its keys sorted, has() only live ones, and lists in key order', async () => {
    const log = await openLog();
    for (const key of ['c', 'a', 'd', 'b']) await log.write(key, { id: key, n: 1 });
    await log.remove('d');
    expect(log.keys()).toEqual(['a', 'b', 'c']);
    expect([log.has('a'), log.has('d'), log.has('z')]).toEqual([true, false, false]);
    expect((await log.list()).records.map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(await log.read('d')).toBeUndefined();
  });

  it('counts file bytes, live bytes and records as entries are written, replaced and removed, and the same after a reopen', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    const one = log.stats().fileBytes;
    expect(log.stats()).toEqual({ fileBytes: one, liveBytes: one, records: 1 });
    await log.write('a', { id: 'a', n: 2 });
    await log.write('b', { id: 'b', n: 3 });
    expect(log.stats()).toEqual({ fileBytes: 3 * one, liveBytes: 2 * one, records: 2 });
    await log.close();
    const again = await openLog();
    expect(again.stats()).toEqual({ fileBytes: 3 * one, liveBytes: 2 * one, records: 2 });
    await again.remove('a');
    const removal = again.stats().fileBytes - 3 * one;
    expect(again.stats()).toEqual({ fileBytes: 3 * one + removal, liveBytes: one, records: 1 });
  });

  it('appends nothing to remove an absent key', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.remove('a');
    const size = log.stats().fileBytes;
    await log.remove('a');
    await log.remove('never');
    expect(log.stats().fileBytes).toBe(size);
  });

  it('refuses an invalid key on write, remove and read', async () => {
    const log = await openLog();
    for (const attempt of [log.write('../x', { id: 'x', n: 1 }), log.remove('a/b'), log.read('')]) {
      expect((await errorOf(attempt)).code).toBe('KEY_INVALID');
    }
    expect(log.stats().fileBytes).toBe(0);
  });

  it('refuses a value with no JSON form, saying why, and writes nothing', async () => {
    const log = await openLog();
    const none = await errorOf(log.write('a', undefined as unknown as Rec));
    expect(none).toMatchObject({ code: 'RECORD_INVALID', message: 'the record of a has no JSON form', details: { key: 'a' } });
    const throwing = await errorOf(log.write('b', { toJSON: () => { throw 'no way'; } } as unknown as Rec));
    expect(throwing).toMatchObject({ code: 'RECORD_INVALID', message: 'the record of b has no JSON form: no way', details: { key: 'b' }, cause: 'no way' });
    expect(log.stats()).toEqual({ fileBytes: 0, liveBytes: 0, records: 0 });
    expect(log.has('a')).toBe(false);
  });

  it('writes each entry as the envelope of its kind, version and data', async () => {
    const log = await openLog({ kind: 'pod', version: 7, check: undefined });
    await log.write('a', { id: 'a', n: 1 });
    const bytes = await readFile(join(bed.logDir, 'records-1.log'));
    expect(bytes.subarray(8 + 2 + 1).toString()).toBe('{"kind":"pod","version":7,"data":{"id":"a","n":1}}');
  });

  it('saves a refused entry aside under its key, names where in the error and tells onProblem the same', async () => {
    const log = await openLog();
    await log.write('a', { id: 'other', n: 1 });
    await log.write('b', { id: 'b', n: 2 });
    await log.close();
    const again = await openLog();
    const file = join(bed.logDir, 'records-1.log');
    const error = await errorOf(again.read('a'));
    const quarantinedTo = error.details.quarantinedTo!;
    expect(error).toMatchObject({ code: 'RECORD_INVALID', details: { file, key: 'a', quarantinedTo } });
    expect(error.message).toBe(`the record of a in ${file} is unusable: it was refused: names other; saved to ${quarantinedTo}`);
    expect((error.cause as Error).message).toBe('names other');
    expect(problems).toEqual([error]);
    expect(QUARANTINE_NAME.exec((await readdir(join(bed.logDir, 'quarantine')))[0]!)?.[1]).toBe('a');
    expect((await readFile(quarantinedTo)).toString()).toBe(envelope({ id: 'other', n: 1 }));
    expect((await stat(quarantinedTo)).mode & 0o777).toBe(0o600);
    expect([again.has('a'), again.keys()]).toEqual([false, ['b']]);
    expect(await again.read('a')).toBeUndefined();
    await again.close();
    const third = await openLog();
    expect(await third.list()).toEqual({ records: [{ key: 'b', value: { id: 'b', n: 2 } }], problems: [] });
  });

  it('still refuses and removes a bad entry it cannot save aside, naming no place', async () => {
    const log = await openLog();
    await log.write('a', { id: 'other', n: 1 });
    await writeFile(join(bed.logDir, 'quarantine'), 'a file where the quarantine dir goes', { mode: 0o600 });
    const error = await errorOf(log.read('a'));
    expect(error.message).toBe(`the record of a in ${join(bed.logDir, 'records-1.log')} is unusable: it was refused: names other`);
    expect(error.details.quarantinedTo).toBeUndefined();
    expect(log.has('a')).toBe(false);
  });

  it('lists good records and problems even when onProblem throws', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'x', n: 2 });
    const loud = await openLog({
      onProblem: () => {
        throw new Error('listener failed');
      },
    });
    const { records, problems: found } = await loud.list();
    expect(records).toEqual([{ key: 'a', value: { id: 'a', n: 1 } }]);
    expect(found.map((p) => [p.code, p.details.key])).toEqual([['RECORD_INVALID', 'b']]);
  });

  it('keeps a write made while a bad entry of the same key is being saved aside', async () => {
    const log = await openLog();
    await log.write('a', { id: 'other', n: 1 });
    await log.close();
    const again = await openLog();
    const refused = errorOf(again.read('a'));
    const written = again.write('a', { id: 'a', n: 2 });
    expect((await refused).code).toBe('RECORD_INVALID');
    await written;
    expect(await again.read('a')).toEqual({ id: 'a', n: 2 });
    await again.close();
    expect(await (await openLog()).read('a')).toEqual({ id: 'a', n: 2 });
  });

  it('fails a read whose entry is no longer in the file, rather than waiting for it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    const one = log.stats().fileBytes;
    await log.write('b', { id: 'b', n: 2 });
    await log.close();
    const again = await openLog();
    const file = join(bed.logDir, 'records-1.log');
    await truncate(file, one + 5);
    await expect(again.read('b')).rejects.toThrow(`record log ${file} ends before the entry at ${one}`);
    expect(await again.read('a')).toEqual({ id: 'a', n: 1 });
  });
});

describe('a record log, compacting', () => {
  it('rewrites entries it read back from the file into the next generation, and replays them the same', async () => {
    const log = await openLog();
    for (const key of ['a', 'b', 'c']) await log.write(key, { id: key, n: key.charCodeAt(0) });
    await log.write('b', { id: 'b', n: 1 });
    await log.remove('c');
    await log.close();
    const again = await openLog();
    await again.compact();
    expect(await names()).toEqual(['records-2.log']);
    expect(again.stats()).toEqual({ fileBytes: again.stats().liveBytes, liveBytes: again.stats().liveBytes, records: 2 });
    expect((await again.list()).records.map((r) => r.value)).toEqual([{ id: 'a', n: 97 }, { id: 'b', n: 1 }]);
    await again.compact();
    expect(await names()).toEqual(['records-3.log']);
    await again.write('d', { id: 'd', n: 4 });
    await again.remove('a');
    await again.close();
    const third = await openLog();
    expect((await third.list()).records.map((r) => r.value)).toEqual([{ id: 'b', n: 1 }, { id: 'd', n: 4 }]);
  });

  it('keeps a write called while a compaction runs, in memory and after a reopen', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'b', n: 1 });
    await log.close();
    const again = await openLog();
    const compacted = again.compact();
    const written = again.write('a', { id: 'a', n: 2 });
    const removed = again.remove('b');
    await Promise.all([compacted, written, removed]);
    expect(await again.read('a')).toEqual({ id: 'a', n: 2 });
    expect(again.keys()).toEqual(['a']);
    await again.close();
    expect((await (await openLog()).list()).records).toEqual([{ key: 'a', value: { id: 'a', n: 2 } }]);
  });

  it('leaves out of the compacted file a bad entry a list has dropped', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'x', n: 2 });
    await log.close();
    const again = await openLog();
    expect((await again.list()).problems).toHaveLength(1);
    await again.compact();
    await again.close();
    problems.length = 0;
    expect(await (await openLog()).list()).toEqual({ records: [{ key: 'a', value: { id: 'a', n: 1 } }], problems: [] });
    expect(problems).toEqual([]);
  });

  it('compacts by itself once the file reaches compactAtBytes and twice the live bytes, not before', async () => {
    const one = await frameLength();
    const exact = await openLog({ compactAtBytes: 2 * one });
    await exact.write('a', { id: 'a', n: 1 });
    await exact.write('a', { id: 'a', n: 2 });
    await exact.close();
    expect(await names()).toEqual(['records-2.log']);
    expect(await (await openLog()).read('a')).toEqual({ id: 'a', n: 2 });
  });

  it('starts no compaction of its own while one is under way', async () => {
    const one = await frameLength();
    const log = await openLog({ compactAtBytes: 2 * one });
    await log.write('a', { id: 'a', n: 1 });
    await log.write('a', { id: 'a', n: 2 });
    await log.write('a', { id: 'a', n: 3 });
    await log.close();
    expect(await names()).toEqual(['records-2.log']);
    expect(await (await openLog()).read('a')).toEqual({ id: 'a', n: 3 });
  });

  it('starts no compaction of its own once it is closing', async () => {
    const one = await frameLength();
    const log = await openLog({ compactAtBytes: 2 * one });
    await log.write('a', { id: 'a', n: 1 });
    const written = log.write('a', { id: 'a', n: 2 });
    await log.close();
    await written;
    await log.close();
    expect(await names()).toEqual(['records-1.log']);
  });

  it('does not compact by itself below compactAtBytes', async () => {
    const one = await frameLength();
    const log = await openLog({ compactAtBytes: 2 * one + 1 });
    await log.write('a', { id: 'a', n: 1 });
    await log.write('a', { id: 'a', n: 2 });
    await log.close();
    expect(await names()).toEqual(['records-1.log']);
  });

  it('does not compact by itself while the file is under twice its live bytes', async () => {
    const one = await frameLength();
    const log = await openLog({ compactAtBytes: 1 });
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'b', n: 1 });
    await log.write('a', { id: 'a', n: 2 });
    expect(log.stats().fileBytes).toBe(3 * one);
    await log.close();
    expect(await names()).toEqual(['records-1.log']);
    const again = await openLog({ compactAtBytes: 1 });
    await again.write('b', { id: 'b', n: 2 });
    await again.close();
    expect(await names()).toEqual(['records-2.log']);
  });

  it('compacts at open a file that has reached compactAtBytes and twice its live bytes', async () => {
    const one = await frameLength();
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.write('a', { id: 'a', n: 2 });
    await log.close();
    await (await openLog({ compactAtBytes: 2 * one + 1 })).close();
    expect(await names()).toEqual(['records-1.log']);
    await (await openLog({ compactAtBytes: 2 * one })).close();
    expect(await names()).toEqual(['records-2.log']);
    expect((await openLog()).stats()).toEqual({ fileBytes: one, liveBytes: one, records: 1 });
  });

  it('does not compact at open a file under twice its live bytes', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'b', n: 1 });
    await log.close();
    await (await openLog({ compactAtBytes: 1 })).close();
    expect(await names()).toEqual(['records-1.log']);
  });

  it('fails a compaction with WRITE_FAILED naming the file, removes its temp file and keeps using the old file', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await mkdir(join(bed.logDir, 'records-2.log'));
    const file = join(bed.logDir, 'records-1.log');
    const error = await errorOf(log.compact());
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.message.startsWith(`cannot compact record log ${file}: `)).toBe(true);
    expect(error.details).toEqual({ file });
    expect(error.cause).toBeInstanceOf(Error);
    expect(await names()).toEqual(['records-1.log', 'records-2.log']);
    await log.write('b', { id: 'b', n: 2 });
    expect((await log.list()).records.map((r) => r.key)).toEqual(['a', 'b']);
    await log.close();
    await rm(join(bed.logDir, 'records-2.log'), { recursive: true });
    expect((await (await openLog()).list()).records.map((r) => r.key)).toEqual(['a', 'b']);
  });

  it('fails a compaction whose temp file already exists, and removes it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await writeFile(join(bed.logDir, 'records-2.log.tmp'), 'in the way', { mode: 0o600 });
    expect((await errorOf(log.compact())).code).toBe('WRITE_FAILED');
    expect(await names()).toEqual(['records-1.log']);
    expect(await log.read('a')).toEqual({ id: 'a', n: 1 });
  });

  it('reports a compaction of its own that fails to onProblem, and keeps writing', async () => {
    const one = await frameLength();
    const log = await openLog({ compactAtBytes: 2 * one });
    await log.write('a', { id: 'a', n: 1 });
    await mkdir(join(bed.logDir, 'records-2.log'));
    await log.write('a', { id: 'a', n: 2 });
    await log.close();
    expect(problems.map((p) => p.code)).toEqual(['WRITE_FAILED']);
    await rm(join(bed.logDir, 'records-2.log'), { recursive: true });
    expect(await (await openLog()).read('a')).toEqual({ id: 'a', n: 2 });
  });
});
