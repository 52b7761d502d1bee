import { describe, expect, it } from 'vitest';
import { chown, lstat, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCheckpointError } from './errors.ts';
import { useRecLogBed, type Rec } from '../../../test/support/rec-log.ts';

const bed = useRecLogBed('multinet-log-');
const { problems, openLog } = bed;
const logFiles = async (): Promise<string[]> => (await readdir(bed.logDir)).filter((n) => n.endsWith('.log')).sort();
const onlyLogFile = async (): Promise<string> => join(bed.logDir, (await logFiles())[0]!);

describe('a record log', () => {
  it('gives back after a reopen what was written and not removed', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.write('b', { id: 'b', n: 2 });
    await log.write('a', { id: 'a', n: 3 });
    await log.remove('b');
    await log.close();
    const again = await openLog();
    expect(await again.list()).toEqual({ records: [{ key: 'a', value: { id: 'a', n: 3 } }], problems: [] });
    expect(await again.read('b')).toBeUndefined();
  });

  it('appends concurrent writes in call order, the last write of a key winning', async () => {
    const log = await openLog();
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.write(`k${i % 5}`, { id: `k${i % 5}`, n: i })));
    await log.close();
    const again = await openLog();
    expect((await again.list()).records.map((r) => r.value.n)).toEqual([45, 46, 47, 48, 49]);
  });

  it('keeps its file 0600 in a 0700 dir', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    expect((await stat(bed.logDir)).mode & 0o777).toBe(0o700);
    expect((await stat(await onlyLogFile())).mode & 0o777).toBe(0o600);
  });

  it('cuts off a tail torn at any byte of the last entry and keeps every entry before it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    const before = log.stats().fileBytes;
    await log.write('b', { id: 'b', n: 2 });
    const after = log.stats().fileBytes;
    await log.close();
    const file = await onlyLogFile();
    const whole = await readFile(file);
    for (let cut = before; cut < after; cut++) {
      await writeFile(file, whole.subarray(0, cut));
      const again = await openLog();
      expect((await again.list()).records.map((r) => r.key)).toEqual(['a']);
      await again.write('c', { id: 'c', n: 3 });
      await again.close();
      const third = await openLog();
      expect((await third.list()).records.map((r) => r.key)).toEqual(['a', 'c']);
      await third.close();
    }
    expect(problems).toEqual([]);
  });

  it('never trusts an entry with a flipped byte: it and what follows are cut off, saved aside and reported', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    const before = log.stats().fileBytes;
    await log.write('b', { id: 'b', n: 2 });
    await log.close();
    const file = await onlyLogFile();
    const bytes = await readFile(file);
    bytes[before + 12] = bytes[before + 12]! ^ 0x01;
    await writeFile(file, bytes);
    const again = await openLog();
    expect((await again.list()).records.map((r) => r.key)).toEqual(['a']);
    expect(problems.map((p) => p.code)).toEqual(['RECORD_CORRUPT']);
    expect(await readdir(join(bed.logDir, 'quarantine'))).toHaveLength(1);
    expect((await stat(file)).size).toBe(before);
  });

  it('quarantines an entry its check refuses (a record naming another key), never returns it, and forgets it', async () => {
    const log = await openLog();
    await log.write('a', { id: 'other', n: 1 });
    await log.close();
    const strict = await openLog();
    const error = await strict.read('a').catch((e: unknown) => e);
    expect(isCheckpointError(error) && error.code).toBe('RECORD_INVALID');
    expect(await readdir(join(bed.logDir, 'quarantine'))).toHaveLength(1);
    await strict.close();
    const again = await openLog();
    expect(await again.list()).toEqual({ records: [], problems: [] });
  });

  it('refuses to write a value with no JSON form, and writes nothing', async () => {
    const log = await openLog();
    await expect(log.write('a', { id: 'a', n: 1n } as unknown as Rec)).rejects.toMatchObject({ code: 'RECORD_INVALID' });
    expect(log.stats().fileBytes).toBe(0);
  });

  it('quarantines an entry of another kind or version as such', async () => {
    const other = await openLog({ kind: 'other' });
    await other.write('a', { id: 'a', n: 1 });
    await other.close();
    const newer = await openLog({ version: 2 });
    await newer.write('b', { id: 'b', n: 1 });
    await newer.close();
    const log = await openLog();
    expect((await log.list()).problems.map((p) => p.code)).toEqual(['RECORD_KIND_MISMATCH', 'RECORD_VERSION_UNSUPPORTED']);
  });

  it('compacts itself to about the size of its live records, and replays the same records after', async () => {
    const log = await openLog({ compactAtBytes: 4096 });
    for (let i = 0; i < 400; i++) await log.write(`k${i % 4}`, { id: `k${i % 4}`, n: i });
    await log.compact();
    expect(log.stats().fileBytes).toBe(log.stats().liveBytes);
    expect(await logFiles()).toHaveLength(1);
    await log.close();
    const again = await openLog();
    expect((await again.list()).records.map((r) => r.value.n)).toEqual([396, 397, 398, 399]);
  });

  it('keeps the last write of every key when writes and removes race a compaction', async () => {
    const log = await openLog();
    for (let i = 0; i < 20; i++) await log.write(`k${i}`, { id: `k${i}`, n: 0 });
    const racing = Array.from({ length: 20 }, (_, i) => (i % 4 === 0 ? log.remove(`k${i}`) : log.write(`k${i}`, { id: `k${i}`, n: 1 })));
    await Promise.all([log.compact(), ...racing, log.compact()]);
    const expected = Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 4 !== 0).map((i) => `k${i}`).sort();
    expect((await log.list()).records.map((r) => r.key)).toEqual(expected);
    await log.close();
    const again = await openLog();
    const { records } = await again.list();
    expect(records.map((r) => r.key)).toEqual(expected);
    expect(records.every((r) => r.value.n === 1)).toBe(true);
  });

  it('restarts from the newest file when a compaction was cut short, removing what it left', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.compact();
    await log.write('a', { id: 'a', n: 2 });
    await log.close();
    await writeFile(join(bed.logDir, 'records-1.log'), 'stale older generation', { mode: 0o600 });
    await writeFile(join(bed.logDir, 'records-3.log.tmp'), 'half a compaction', { mode: 0o600 });
    const again = await openLog();
    expect(await again.read('a')).toEqual({ id: 'a', n: 2 });
    expect(await readdir(bed.logDir)).toEqual(['records-2.log']);
  });

  it('refuses a log file owned by another user', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.close();
    await chown(await onlyLogFile(), 65534, 65534);
    await expect(openLog()).rejects.toMatchObject({ code: 'LOG_UNSAFE' });
  });

  it('refuses a log file that is a symlink', async () => {
    await openLog().then((l) => l.close());
    const file = await onlyLogFile();
    await rm(file);
    await writeFile(join(bed.dir, 'elsewhere'), '', { mode: 0o600 });
    await symlink(join(bed.dir, 'elsewhere'), file);
    expect((await lstat(file)).isSymbolicLink()).toBe(true);
    await expect(openLog()).rejects.toMatchObject({ code: 'LOG_UNSAFE' });
  });

  it('keeps appending after a reopen where the file ended in a cut header', async () => {
    const log = await openLog();
    await log.write('a', { id: 'a', n: 1 });
    await log.close();
    const file = await onlyLogFile();
    const size = (await stat(file)).size;
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.from([1, 2, 3])]));
    const again = await openLog();
    expect((await stat(file)).size).toBe(size);
    await again.write('b', { id: 'b', n: 2 });
    await again.close();
    await truncate(file, (await stat(file)).size);
    expect((await (await openLog()).list()).records.map((r) => r.key)).toEqual(['a', 'b']);
  });
});
