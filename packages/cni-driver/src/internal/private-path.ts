/**
 * Is a path safe to execute from? A helper binary found in a cache dir is only run when nobody
 * but us (or root) could have put it there: the file and its dir are ours and not group- or
 * world-writable, and every dir above is ours or root's and, if others can write to it, sticky
 * (as /tmp is), so that nobody can rename our dir away and plant another one.
 */
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';

const GROUP_OR_WORLD_WRITE = 0o022;
const STICKY = 0o1000;

/** Why a path is not private; `undefined` when it is. */
export type UnsafeReason = string | undefined;

async function lstatOrUndefined(path: string) {
  return lstat(path).catch(() => undefined);
}

/**
 * Checks that `file` is a regular file owned by `uid` without group/world write, in a dir owned
 * by `uid` without group/world write, below dirs owned by `uid` or root that are sticky where
 * others can write.
 */
export async function findUnsafeReason(file: string, uid: number): Promise<UnsafeReason> {
  const stat = await lstatOrUndefined(file);
  if (!stat) return `${file} does not exist`;
  if (!stat.isFile()) return `${file} is not a regular file`;
  if (stat.uid !== uid) return `${file} is owned by uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & GROUP_OR_WORLD_WRITE) !== 0) return `${file} is writable by group or others`;
  return findUnsafeDirReason(dirname(file), uid);
}

/** The dir half of {@link findUnsafeReason}: `dir` is ours and private, its ancestors are safe. */
export async function findUnsafeDirReason(dir: string, uid: number): Promise<UnsafeReason> {
  const stat = await lstatOrUndefined(dir);
  if (!stat) return `${dir} does not exist`;
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  if (stat.uid !== uid) return `${dir} is owned by uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & GROUP_OR_WORLD_WRITE) !== 0) return `${dir} is writable by group or others`;
  for (let above = dirname(dir); ; above = dirname(above)) {
    const up = await lstatOrUndefined(above);
    if (!up || !up.isDirectory()) return `${above} is not a directory`;
    if (up.uid !== uid && up.uid !== 0) return `${above} is owned by uid ${up.uid}`;
    if ((up.mode & GROUP_OR_WORLD_WRITE) !== 0 && (up.mode & STICKY) === 0) return `${above} is writable by others and not sticky`;
    if (dirname(above) === above) return undefined;
  }
}
