/**
 * The dirs the driver writes (and later trusts) must be its own: a state or cache dir that another
 * user owns or may write lets that user plant records or cache files that teardown would act on.
 */
import { lstat } from 'node:fs/promises';
import { CniError } from '@multinet/cni-types';

/**
 * Checks every dir that exists among `dirs`: a real directory (not a symlink), owned by this
 * process's user, not group- or world-writable. A missing dir passes (the driver makes it 0700).
 *
 * @throws {CniError} STATE_DIR_UNSAFE naming the dir and what is wrong
 */
export async function validateStateDirs(dirs: readonly string[]): Promise<void> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const dir of dirs) {
    const info = await lstat(dir).catch(() => undefined);
    if (!info) continue;
    const fail = (why: string): never => {
      throw new CniError('STATE_DIR_UNSAFE', `${dir} ${why}; the driver writes and trusts only dirs of its own (chown it, chmod go-w)`, { file: dir });
    };
    if (info.isSymbolicLink()) fail('is a symlink');
    if (!info.isDirectory()) fail('is not a directory');
    if (uid !== undefined && info.uid !== uid) fail(`is owned by uid ${info.uid}, not ${uid}`);
    if ((info.mode & 0o022) !== 0) fail(`is group- or world-writable (mode ${(info.mode & 0o777).toString(8)})`);
  }
}
