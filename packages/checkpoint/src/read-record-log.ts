/**
 * Reading a record log without owning it: replay its newest file as it is on disk, change
 * nothing (no cut tail, no quarantine). For a process that does not own the dir, or an owner
 * that has closed its log.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from './errors.ts';
import { checkLogPayload } from './internal/log-entry-check.ts';
import { buildLogName, selectLogGenerations } from './internal/log-files.ts';
import { decodeLogFrames, foldLogEntries, selectPayload } from './internal/log-frames.ts';
import { normalizeRecordLogOptions, type RecordLogOptions } from './record-log-options.ts';

/**
 * The good records of the log in `options.dir` sorted by key, and a problem per bad entry (left
 * where it is). A missing dir or log holds no records.
 *
 * @throws {TypeError} for malformed options
 * @throws {CheckpointError} READ_FAILED (the dir or file cannot be read for a reason other than absence)
 */
export async function readRecordLog<T>(options: RecordLogOptions<T>): Promise<{ records: Array<{ key: string; value: T }>; problems: CheckpointError[] }> {
  const o = normalizeRecordLogOptions(options);
  const fail = (error: unknown): never => {
    throw new CheckpointError('READ_FAILED', `cannot read record log in ${o.dir}: ${(error as Error).message}`, { file: o.dir }, { cause: error });
  };
  const names = await readdir(o.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : fail(error)));
  const newest = selectLogGenerations(names).at(-1);
  if (newest === undefined) return { records: [], problems: [] };
  const file = join(o.dir, buildLogName(newest));
  const bytes = await readFile(file, { flag: 'r' }).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? Buffer.alloc(0) : fail(error)));
  const frames = foldLogEntries(bytes, decodeLogFrames(bytes).entries);
  const records: Array<{ key: string; value: T }> = [];
  const problems: CheckpointError[] = [];
  for (const key of [...frames.keys()].sort()) {
    const verdict = checkLogPayload(selectPayload(frames.get(key)!), key, o);
    if (verdict.ok) records.push({ key, value: verdict.value });
    else problems.push(new CheckpointError(verdict.code, `the record of ${key} in ${file} is unusable: ${verdict.reason}`, { file, key }, { cause: verdict.cause }));
  }
  return { records, problems };
}
