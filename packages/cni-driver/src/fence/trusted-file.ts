/**
 * Reading a file the driver wrote earlier and will act on (a libcni-format cache file): only
 * when it is still a regular file of this process's user that nobody else may write. A file another
 * user planted (or could have rewritten) while its dir was open is treated as absent, so that
 * gc and teardown never act on it.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** What {@link readTrustedFile} found. */
export type TrustedFileRead = { readonly text: string } | { readonly untrusted: string } | undefined;

/**
 * Reads `file` as UTF-8 without following a symlink, checking the opened file itself (no gap
 * between check and read): a regular file, owned by this process's user, not group- or
 * world-writable. `undefined` when it does not exist or cannot be read; `{ untrusted }` with
 * the reason when it fails the check.
 */
export async function readTrustedFile(file: string): Promise<TrustedFileRead> {
  // Synchronous: a small file the driver wrote is in the page cache, and four trips through the
  // thread pool (open, stat, read, close) cost more than the reads. O_NONBLOCK: a FIFO planted
  // here opens at once (and fails the regular-file check) instead of blocking.
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? { untrusted: `${file} is a symlink` } : undefined;
  }
  try {
    const info = fstatSync(fd);
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (!info.isFile()) return { untrusted: `${file} is not a regular file` };
    if (uid !== undefined && info.uid !== uid) return { untrusted: `${file} is owned by uid ${info.uid}, not ${uid}` };
    if ((info.mode & 0o022) !== 0) return { untrusted: `${file} is group- or world-writable (mode ${(info.mode & 0o777).toString(8)})` };
    return { text: readFileSync(fd, 'utf8') };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
