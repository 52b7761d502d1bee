/**
 * Reading record files without following symlinks, and sweeping temp files a crash left behind.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { lstat, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempFileName } from './record-files.ts';

// O_NOFOLLOW: a symlink in a private dir was planted, never written by the store.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The `errno` code of a `node:fs` error (`ENOENT`, `ELOOP`, …). */
export const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** Thrown for a record file that is not a regular file of ours, or that others may write. */
export class UnsafeRecordFileError extends Error {
  readonly code = 'EUNSAFE';
}

/** A record file must be a regular file owned by us that no one else can write. */
function checkRecordFile(fd: number, file: string): void {
  const info = fstatSync(fd);
  const uid = typeof process.getuid === 'function' ? process.getuid() : info.uid;
  if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
  if (!info.isFile()) throw new UnsafeRecordFileError(`${file} is not a regular file`);
  if (info.uid !== uid) throw new UnsafeRecordFileError(`${file} is owned by uid ${info.uid}, not ${uid}`);
  if ((info.mode & 0o022) !== 0) throw new UnsafeRecordFileError(`${file} is group- or world-writable (mode ${(info.mode & 0o777).toString(8)})`);
}

/** Reads a record file as UTF-8; a symlink fails with `ELOOP`, an unsafe file with `EUNSAFE`. */
export async function readRecordFile(file: string): Promise<string> {
  const handle = await open(file, READ_FLAGS);
  try {
    checkRecordFile(handle.fd, file);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The same, synchronously: for small files it is several times faster than `fs.promises`,
 * which is what makes loading 10,000 records after a restart quick.
 */
export function readRecordFileSync(file: string): string {
  const fd = openSync(file, READ_FLAGS);
  try {
    checkRecordFile(fd, file);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes the temp files among `names` last modified before `olderThan` (epoch ms), except
 * those in `keep`. Best effort: a temp file that stays is ignored by every listing anyway.
 */
export async function removeStaleTempFiles(dir: string, names: readonly string[], olderThan: number, keep: ReadonlySet<string>): Promise<void> {
  const candidates = names.filter((name) => isTempFileName(name) && !keep.has(name));
  await Promise.all(
    candidates.map(async (name) => {
      const file = join(dir, name);
      const info = await lstat(file).catch(() => undefined);
      // Younger ones may be another writer's, still in flight.
      if (info?.isFile() && info.mtimeMs < olderThan) await unlink(file).catch(() => undefined);
    }),
  );
}
