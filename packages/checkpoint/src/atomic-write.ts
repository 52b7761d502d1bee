/**
 * Crash-safe file replacement: a temp file in the same dir, fsync, rename, fsync the dir. After a
 * crash the file holds the old content or the new, never a mix or nothing.
 */
import { open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode. @default 0o600 */
  readonly mode?: number | undefined;
  /** fsync the file and the dir. @default true */
  readonly fsync?: boolean | undefined;
}

/** Prefix of temp files, so readers can skip them. */
export const TEMP_PREFIX = '.tmp-';

/** fsyncs a directory, so that a rename in it is durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `data` atomically and durably.
 *
 * @throws the fs error (the temp file is removed first)
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `${TEMP_PREFIX}${basename(file)}.${randomBytes(6).toString('hex')}`);
  const durable = options.fsync ?? true;
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (durable) await syncDir(dir);
}
