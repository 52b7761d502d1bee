/**
 * Makes sure a store dir is private before anything is written to or read from it.
 */
import { chmod, lstat, mkdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { CheckpointError } from '../errors.ts';

const PRIVATE_DIR_MODE = 0o700;

/** Why a dir's metadata makes it unsafe to keep records in, or `undefined` when it is fine. Pure. */
export function selectDirProblem(info: Pick<Stats, 'mode' | 'uid' | 'isDirectory' | 'isSymbolicLink'>, uid: number | undefined): string | undefined {
  if (info.isSymbolicLink()) return 'is a symlink (it must be a real directory)';
  if (!info.isDirectory()) return 'is not a directory';
  if (uid !== undefined && info.uid !== uid) return `is owned by uid ${info.uid}, not by this process (uid ${uid})`;
  // Others who can write here could swap records under us.
  if ((info.mode & 0o022) !== 0) return `is writable by group or others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`;
  return undefined;
}

/**
 * Creates `dir` (and missing parents) as 0700, refuses it when unsafe, and narrows an existing
 * safe dir with looser bits (say 0755) to 0700.
 *
 * @throws {CheckpointError} DIR_UNSAFE, DIR_UNAVAILABLE
 */
export async function prepareStoreDir(dir: string): Promise<void> {
  let mkdirError: unknown;
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE }).catch((error: unknown) => {
    mkdirError = error; // EEXIST on a file or a dangling symlink: lstat below says what it is
  });
  let info: Stats;
  try {
    info = await lstat(dir);
  } catch (error) {
    throw new CheckpointError('DIR_UNAVAILABLE', `cannot create checkpoint dir ${dir}: ${((mkdirError ?? error) as Error).message}`, { file: dir }, { cause: mkdirError ?? error });
  }
  const problem = selectDirProblem(info, process.getuid?.());
  if (problem !== undefined) throw new CheckpointError('DIR_UNSAFE', `checkpoint dir ${dir} ${problem}`, { file: dir });
  if ((info.mode & 0o777) !== PRIVATE_DIR_MODE) {
    await chmod(dir, PRIVATE_DIR_MODE).catch((error: unknown) => {
      throw new CheckpointError('DIR_UNAVAILABLE', `cannot make checkpoint dir ${dir} private (0700): ${(error as Error).message}`, { file: dir }, { cause: error });
    });
  }
}
