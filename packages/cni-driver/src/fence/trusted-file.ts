/**
 * Reading a file the driver wrote earlier and will act on (a libcni-format cache file): only
 * when it is still a regular file of this process's user that nobody else may write. A file another
 * user planted (or could have rewritten) while its dir was open is treated as absent, so that
 * gc and teardown never act on it.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** What {@link readTrustedFile} found. */
export type TrustedFileRead = { readonly text: string } | { readonly untrusted: string } | undefined;

/**
 * Reads `file` as UTF-8 without following a symlink, checking the opened file itself (no gap
 * between check and read): a regular file, owned by this process's user, not group- or
 * world-writable. `undefined` when it does not exist or cannot be read; `{ untrusted }` with
 * the reason when it fails the check.
 */
export async function readTrustedFile(file: string): Promise<TrustedFileRead> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ELOOP' ? ('symlink' as const) : undefined,
  );
  if (handle === 'symlink') return { untrusted: `${file} is a symlink` };
  if (handle === undefined) return undefined;
  try {
    const info = await handle.stat();
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (!info.isFile()) return { untrusted: `${file} is not a regular file` };
    if (uid !== undefined && info.uid !== uid) return { untrusted: `${file} is owned by uid ${info.uid}, not ${uid}` };
    if ((info.mode & 0o022) !== 0) return { untrusted: `${file} is group- or world-writable (mode ${(info.mode & 0o777).toString(8)})` };
    return { text: await handle.readFile('utf8') };
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
