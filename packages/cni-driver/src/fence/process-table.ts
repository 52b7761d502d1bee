/**
 * What the fence needs from /proc: a process's start time (against pid reuse), its process
 * group, and killing groups until they are gone.
 */
import { readFile } from 'node:fs/promises';

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parens). */
async function readStatFields(pid: number): Promise<string[] | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * The start time of a live process (clock ticks after boot, field 22 of /proc/<pid>/stat), or
 * `undefined` when there is no such process or it is a zombie.
 */
export async function readProcessStartTime(pid: number): Promise<string | undefined> {
  const fields = await readStatFields(pid);
  if (!fields || fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

/** The process group of a live process. */
export async function readProcessGroup(pid: number): Promise<number | undefined> {
  const fields = await readStatFields(pid);
  return fields ? Number(fields[2]) : undefined;
}

const signal = (target: number, name: NodeJS.Signals): void => {
  try {
    process.kill(target, name);
  } catch {
    // ESRCH: already gone.
  }
};

/**
 * SIGKILLs each process and, when it leads its own process group (a plugin: both executors start
 * plugins as group leaders), that whole group (its delegated IPAM children); then waits (up to
 * `waitMs`) until none of them is alive. A process in someone else's group is killed alone.
 */
export async function killProcessGroups(pids: readonly number[], waitMs = 5_000): Promise<void> {
  const ours = await readProcessGroup(process.pid);
  for (const pid of pids) {
    const group = await readProcessGroup(pid);
    if (group === pid && group !== ours) signal(-group, 'SIGKILL');
    signal(pid, 'SIGKILL');
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const alive = (await Promise.all(pids.map(readProcessStartTime))).some((t) => t !== undefined);
    if (!alive || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
