/**
 * Crash-safe file replacement: a temp file in the same dir, fsync, rename over the target,
 * fsync the dir. After a crash the target holds the old content or the new, never a mix, and
 * never nothing.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { buildTempFileName } from './internal/record-files.ts';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of the new file (before the umask). @default 0o600 */
  readonly mode?: number | undefined;
  /** fsync the file before the rename and the dir after it; `false` keeps atomicity, not durability. @default true */
  readonly fsync?: boolean | undefined;
}

/** fsyncs a directory, so that a rename or unlink in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A random suffix for temp and quarantine file names. */
export function buildRandomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Writes all of `data` at `fd`'s offset, going on after each short write from where it stopped. */
export function writeAllSync(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes `data` to `tempFile` (which must not exist and must be in the target's dir), then
 * renames it over `file`. The temp file is removed when anything before the rename fails.
 *
 * @throws the `node:fs` error of the step that failed
 */
export async function writeFileViaTemp(file: string, tempFile: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const durable = options.fsync ?? true;
  if (!durable) {
    writeFileViaTempNow(file, tempFile, data, options.mode ?? 0o600);
    return;
  }
  try {
    // 'wx': never follow or reuse something already at the temp path.
    const handle = await open(tempFile, 'wx', options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempFile, file);
  } catch (error) {
    await rm(tempFile, { force: true }).catch(() => undefined); // best effort: the write error is what the caller needs
    throw error;
  }
  if (durable) await syncDir(dirname(file));
}

/**
 * The same without fsync, done in place: with nothing to wait for but the page cache, four
 * thread-pool round trips (open, write, close, rename) cost more than the system calls they
 * carry (as libcni, which writes its cache in the calling thread).
 */
function writeFileViaTempNow(file: string, tempFile: string, data: string | Uint8Array, mode: number): void {
  try {
    const fd = openSync(tempFile, 'wx', mode);
    try {
      writeAllSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tempFile, file);
  } catch (error) {
    try {
      rmSync(tempFile, { force: true });
    } catch {
      // best effort: the write error is what the caller needs
    }
    throw error;
  }
}

/**
 * Replaces `file` with `data` atomically and (by default) durably, through a hidden temp file
 * `.<name>.<random>.tmp` in the same dir.
 *
 * @throws the `node:fs` error of the step that failed (the temp file is removed first); when
 *   only the final dir fsync fails, the new content is in place but may not survive a crash
 * @example
 * ```ts
 * await writeFileAtomic('/var/lib/app/state.json', JSON.stringify(state), { mode: 0o600 });
 * ```
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const tempFile = join(dirname(file), buildTempFileName(basename(file), buildRandomSuffix()));
  await writeFileViaTemp(file, tempFile, data, options);
}
