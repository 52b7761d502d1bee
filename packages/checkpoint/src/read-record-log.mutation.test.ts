import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordLog } from './read-record-log.ts';
import { openRecordLog } from './record-log.ts';
import { parseRec, type Rec } from '../../../test/support/rec-log.ts';


let dir: string;
let logDir: string;
const options = (extra: { kind?: string; version?: number } = {}) => ({ dir: logDir, kind: 'rec', version: 1, parse: parseRec, ...extra });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-readlogmut-'));
  logDir = join(dir, 'records');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeRecords(entries: Array<[string, Rec]>, extra: { kind?: string; version?: number } = {}): Promise<void> {
  const log = await openRecordLog<Rec>({ ...options(extra), durability: 'process-crash' });
  try {
    for (const [key, value] of entries) await log.write(key, value);
  } finally {
    await log.close();
  }
}

describe('readRecordLog, more', () => {
  it('reads the newest generation when an older one is still there', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]]);
    await rename(join(logDir, 'records-1.log'), join(logDir, 'records-7.log'));
    await writeRecords([['a', { id: 'a', n: 2 }]]);
    await writeFile(join(logDir, 'records-3.log'), 'an older generation', { mode: 0o600 });
    expect(await readRecordLog(options())).toEqual({ records: [{ key: 'a', value: { id: 'a', n: 2 } }], problems: [] });
    expect((await readdir(logDir)).sort()).toEqual(['records-3.log', 'records-7.log']);
  });

  it('holds no records when the newest log file is gone (a dangling link)', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]]);
    await rm(join(logDir, 'records-1.log'));
    await symlink(join(dir, 'nowhere'), join(logDir, 'records-1.log'));
    expect(await readRecordLog(options())).toEqual({ records: [], problems: [] });
  });

  it('reports an entry of another kind or version with its code, and keeps the good ones', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]], { kind: 'other' });
    await writeRecords([['b', { id: 'b', n: 1 }]], { version: 2 });
    await writeRecords([['c', { id: 'c', n: 1 }]]);
    const { records, problems } = await readRecordLog(options());
    expect(records).toEqual([{ key: 'c', value: { id: 'c', n: 1 } }]);
    expect(problems.map((p) => [p.code, p.details.key])).toEqual([
      ['RECORD_KIND_MISMATCH', 'a'],
      ['RECORD_VERSION_UNSUPPORTED', 'b'],
    ]);
  });

  it('reads no file whose name has no generation', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]]);
    await rename(join(logDir, 'records-1.log'), join(logDir, 'records-undefined.log'));
    expect(await readRecordLog(options())).toEqual({ records: [], problems: [] });
  });

  it('gives a refused entry the error of its check as its cause', async () => {
    await writeRecords([['a', { id: 'a', n: 1 }]]);
    const strict = { ...options(), check: () => { throw new Error('refused by check'); } };
    const { problems } = await readRecordLog(strict);
    expect(problems.map((p) => [p.code, (p.cause as Error).message])).toEqual([['RECORD_INVALID', 'refused by check']]);
  });

  it('names the cause of READ_FAILED', async () => {
    await writeFile(logDir, 'not a dir');
    const error = (await readRecordLog(options()).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { cause: NodeJS.ErrnoException };
    expect(error.message).toBe(`cannot read record log in ${logDir}: ${error.cause.message}`);
    expect(error.cause.code).toBe('ENOTDIR');
  });
});
