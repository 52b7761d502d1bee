import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFile, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordLog } from './read-record-log.ts';
import { openRecordLog } from './record-log.ts';
import { normalizeRecordLogOptions } from './record-log-options.ts';
import { parseRec, type Rec } from '../../../test/support/rec-log.ts';


let dir: string;
let logDir: string;
const options = () => ({ dir: logDir, kind: 'rec', version: 1, parse: parseRec, check: (value: Rec, key: string) => {
  if (value.id !== key) throw new Error(`names ${value.id}`);
} });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-readlog-'));
  logDir = join(dir, 'records');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeRecords(entries: Array<[string, Rec | undefined]>): Promise<void> {
  const log = await openRecordLog<Rec>({ ...options(), durability: 'process-crash' });
  try {
    for (const [key, value] of entries) {
      if (value === undefined) await log.remove(key);
      else await log.write(key, value);
    }
  } finally {
    await log.close();
  }
}

describe('readRecordLog (a reader that does not own the log)', () => {
  it('holds no records for a missing dir, and for a dir without a log', async () => {
    expect(await readRecordLog(options())).toEqual({ records: [], problems: [] });
    await mkdir(logDir, { mode: 0o700 });
    expect(await readRecordLog(options())).toEqual({ records: [], problems: [] });
  });

  it('gives the live records sorted by key, the last write of a key winning and removed keys gone', async () => {
    await writeRecords([
      ['b', { id: 'b', n: 1 }],
      ['a', { id: 'a', n: 1 }],
      ['c', { id: 'c', n: 1 }],
      ['b', { id: 'b', n: 2 }],
      ['c', undefined],
    ]);
    const { records, problems } = await readRecordLog(options());
    expect(records).toEqual([
      { key: 'a', value: { id: 'a', n: 1 } },
      { key: 'b', value: { id: 'b', n: 2 } },
    ]);
    expect(problems).toEqual([]);
  });

  it('reports an entry its parse or check refuses, naming the key and the file, and changes nothing on disk', async () => {
    await writeRecords([
      ['good', { id: 'good', n: 1 }],
      ['moved', { id: 'other', n: 1 }],
    ]);
    const before = await readdir(logDir);
    const file = join(logDir, before.find((n) => n.endsWith('.log'))!);
    const bytes = await readFile(file);
    const { records, problems } = await readRecordLog(options());
    expect(records.map((r) => r.key)).toEqual(['good']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'RECORD_INVALID', details: { key: 'moved', file } });
    expect(problems[0]!.message.startsWith(`the record of moved in ${file} is unusable: `)).toBe(true);
    expect(problems[0]!.message).toContain('names other');
    expect(await readdir(logDir)).toEqual(before);
    expect(await readFile(file)).toEqual(bytes);
  });

  it('reads only up to a torn tail, and leaves the tail where it is', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]]);
    const file = join(logDir, (await readdir(logDir)).find((n) => n.endsWith('.log'))!);
    await appendFile(file, Buffer.from([1, 2, 3]));
    const size = (await stat(file)).size;
    expect((await readRecordLog(options())).records.map((r) => r.key)).toEqual(['a']);
    expect((await stat(file)).size).toBe(size);
  });

  it('fails with READ_FAILED naming the dir when the dir cannot be read', async () => {
    await writeFile(logDir, 'not a dir');
    await expect(readRecordLog(options())).rejects.toMatchObject({ code: 'READ_FAILED', message: expect.stringContaining(`cannot read record log in ${logDir}`), details: { file: logDir } });
  });

  it('fails with READ_FAILED when the newest log file cannot be read', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]]);
    const file = join(logDir, (await readdir(logDir)).find((n) => n.endsWith('.log'))!);
    await rm(file);
    await mkdir(file); // a dir where the file was: reading it fails with EISDIR
    await chmod(file, 0o700);
    await expect(readRecordLog(options())).rejects.toMatchObject({ code: 'READ_FAILED' });
  });
});

describe('record log options', () => {
  it.each([
    [{ durability: 'never' }, 'Expected `durability` to be "power-loss" or "process-crash", got `"never"`'],
    [{ compactAtBytes: 0 }, 'Expected `compactAtBytes` to be a positive integer, got `0`'],
    [{ compactAtBytes: 1.5 }, 'Expected `compactAtBytes` to be a positive integer, got `1.5`'],
  ])('refuses %j with a TypeError naming the option and the value', (patch, message) => {
    expect(() => normalizeRecordLogOptions({ ...options(), ...patch } as never)).toThrow(new TypeError(message));
  });

  it('fills the defaults: power-loss durability, compaction at 4 MiB, a silent onProblem', () => {
    const o = normalizeRecordLogOptions(options());
    expect(o).toMatchObject({ durability: 'power-loss', compactAtBytes: 4 << 20 });
    expect(() => o.onProblem(undefined as never)).not.toThrow();
    expect(normalizeRecordLogOptions({ ...options(), durability: 'process-crash', compactAtBytes: 1 })).toMatchObject({ durability: 'process-crash', compactAtBytes: 1 });
  });

  it('refuses options that are not an object', () => {
    expect(() => normalizeRecordLogOptions(null as never)).toThrow(new TypeError('Expected record log options to be an object, got `null`'));
  });
});
