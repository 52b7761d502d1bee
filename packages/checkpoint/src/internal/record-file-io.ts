/**
 * Reading record files without following symlinks, and sweeping temp files a crash left behind.
 */
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { lstat, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempFileName } from './record-files.ts';

// O_NOFOLLOW: a symlink in a private dir was planted, never written by the store.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

/** The `errno` code of a `node:fs` error (`ENOENT`, `ELOOP`, …). */
export const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** Reads a record file as UTF-8; a symlink fails with `ELOOP`. */
export function readRecordFile(file: string): Promise<string> {
  return readFile(file, { encoding: 'utf8', flag: READ_FLAGS });
}

/**
 * The same, synchronously: for small files it is several times faster than `fs.promises`,
 * which is what makes loading 10,000 records after a restart quick.
 */
export function readRecordFileSync(file: string): string {
  const fd = openSync(file, READ_FLAGS);
  try {
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
