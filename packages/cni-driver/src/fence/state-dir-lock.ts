/**
 * One owner per state dir. The owner holds an exclusive `flock` on `<stateDir>/lock` for its
 * whole life, and every plugin it starts inherits that open file (as fd 3), so the lock outlives
 * a SIGKILLed owner exactly as long as a plugin of it still runs. A new owner that finds the lock
 * held by a dead process therefore knows that the holders are that process's orphaned plugins:
 * it gives them a grace to run to their end (`orphanGraceMs`), kills the process groups of those
 * still running, and takes the lock before it touches any sandbox. A lock held by
 * a live process is refused with STATE_DIR_LOCKED, or waited for when the caller asks.
 *
 * Node has no `flock`; util-linux's `flock(1)` locks an inherited descriptor for us: a lock
 * belongs to the open file description, which the child shares, so it stays with our descriptor
 * after the child exits. The kernel drops it when the last descriptor closes — at our death too.
 */
import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, readlink, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CniError } from '@multinet/cni-types';
import { killProcessGroups, readProcessStartTime } from './process-table.ts';

/** The lock a driver holds on its state dir. */
export interface StateDirLock {
  /** The open lock file: handed to plugins so that they hold the lock while they run. */
  readonly fd: number;
  /** Path of the lock file. */
  readonly path: string;
  /** Orphaned plugin processes of a dead owner that were killed to take the lock. */
  readonly killedOrphans: readonly number[];
  /** Drops the lock (closes the descriptor). */
  release(): void;
}

/** Options of {@link acquireStateDirLock}. */
export interface StateDirLockOptions {
  /** Wait this long for a live owner to let go. @default 0: fail at once */
  readonly waitMs?: number | undefined;
  /**
   * How long a dead owner's plugins still holding the lock may run to their end before they are
   * killed (a plugin killed at a random moment can leave half-written state behind: host-local a
   * lease file with no owner in it). @default 2000, the plugins' SIGTERM→SIGKILL grace
   */
  readonly orphanGraceMs?: number | undefined;
}

/** Who holds a state dir, as written by the holder. */
export interface StateDirOwner {
  readonly pid: number;
  /** Start time of the process (clock ticks since boot), against pid reuse. */
  readonly startTime: string;
  readonly hostname: string;
  readonly since: string;
}

const OWNER_FILE = 'owner';
const LOCK_FILE = 'lock';
const GATE_FILE = 'lock.gate';

function openLockFile(path: string): number {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  const info = fstatSync(fd);
  if (!info.isFile() || (typeof process.getuid === 'function' && info.uid !== process.getuid()) || (info.mode & 0o022) !== 0) {
    closeSync(fd);
    throw new CniError('STATE_DIR_LOCK_FAILED', `lock file ${path} is not a regular file of ours with mode 0600`, { file: path });
  }
  return fd;
}

/** Runs `flock -x` on `fd`: true when locked, false when held elsewhere. */
function runFlock(fd: number, waitMs: number): Promise<boolean> {
  const args = waitMs > 0 ? ['-x', '-w', String(Math.max(waitMs / 1000, 0.01)), '3'] : ['-x', '-n', '3'];
  return new Promise((resolve, reject) => {
    const child = spawn('flock', args, { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) =>
      reject(new CniError('STATE_DIR_LOCK_FAILED', `cannot run flock(1) (util-linux) to lock the state dir: ${error.message}`, {}, { cause: error })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(true);
      else if (code === 1) resolve(false);
      else reject(new CniError('STATE_DIR_LOCK_FAILED', `flock(1) failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

async function readOwner(stateDir: string): Promise<StateDirOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(stateDir, OWNER_FILE), 'utf8')) as StateDirOwner;
    return typeof owner.pid === 'number' && typeof owner.startTime === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

async function isOwnerAlive(owner: StateDirOwner): Promise<boolean> {
  return (await readProcessStartTime(owner.pid)) === owner.startTime;
}

async function writeOwner(stateDir: string): Promise<void> {
  const owner: StateDirOwner = {
    pid: process.pid,
    startTime: (await readProcessStartTime(process.pid)) ?? '',
    hostname: hostname(),
    since: new Date().toISOString(),
  };
  const temp = join(stateDir, `.${OWNER_FILE}.${process.pid}.tmp`);
  await writeFile(temp, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  await rename(temp, join(stateDir, OWNER_FILE));
}

/** The pids (other than ours) that have `path` open. */
export async function findFileHolders(path: string): Promise<number[]> {
  const holders: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (target === path) {
        holders.push(pid);
        break;
      }
    }
  }
  return holders;
}

function describeOwner(owner: StateDirOwner | undefined): string {
  if (!owner) return 'a process that left no owner file';
  const self = owner.pid === process.pid ? ' (this process: another driver)' : '';
  return `pid ${owner.pid}${self} on ${owner.hostname} since ${owner.since}`;
}

/**
 * Takes the state dir's lock; the orphaned plugins of a dead owner first get `orphanGraceMs` to end, then are killed.
 *
 * @throws {CniError} STATE_DIR_LOCKED (a live owner; the message names it), STATE_DIR_LOCK_FAILED
 */
export async function acquireStateDirLock(stateDir: string, options: StateDirLockOptions = {}): Promise<StateDirLock> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, LOCK_FILE);
  // Acquirers queue on a gate, so two of them never judge (and kill) each other's holders.
  const gate = openLockFile(join(stateDir, GATE_FILE));
  let fd: number | undefined;
  try {
    if (!(await runFlock(gate, 10_000))) throw new CniError('STATE_DIR_LOCK_FAILED', `timed out waiting to check the lock of ${stateDir}`);
    fd = openLockFile(path);
    let killedOrphans: number[] = [];
    if (!(await runFlock(fd, 0))) {
      const owner = await readOwner(stateDir);
      if (owner && (owner.pid === process.pid || (await isOwnerAlive(owner)))) {
        const waited = options.waitMs !== undefined && options.waitMs > 0 && (await runFlock(fd, options.waitMs));
        if (!waited) {
          throw new CniError('STATE_DIR_LOCKED', `state dir ${stateDir} is in use by ${describeOwner(owner)}; one driver per state dir`, { file: stateDir });
        }
      } else {
        // The owner is dead: whatever still holds the lock is a plugin it started. It gets the
        // grace to finish; then it is killed (and its group: delegated IPAM plugins) before any of
        // its sandboxes is touched.
        const graceMs = options.orphanGraceMs ?? 2_000;
        const finished = graceMs > 0 && (await runFlock(fd, graceMs));
        if (!finished) {
          killedOrphans = await findFileHolders(path);
          await killProcessGroups(killedOrphans);
          if (!(await runFlock(fd, 5_000))) {
            const left = await findFileHolders(path);
            throw new CniError('STATE_DIR_LOCK_FAILED', `state dir ${stateDir}: the lock of dead owner ${describeOwner(owner)} is still held by pid(s) ${left.join(', ') || '?'}`, { file: stateDir });
          }
        }
      }
    }
    await writeOwner(stateDir);
    const lockFd = fd;
    let released = false;
    return {
      fd: lockFd,
      path,
      killedOrphans,
      release() {
        if (released) return;
        released = true;
        closeSync(lockFd);
      },
    };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw error;
  } finally {
    closeSync(gate);
  }
}
