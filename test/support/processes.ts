/**
 * Looking at processes from a test, by exact pid, through /proc.
 */
import { readFileSync } from 'node:fs';

/**
 * True while the process runs. A zombie (or a dead task) counts as gone: it runs nothing, and
 * in a container whose init does not reap, it may stay listed long after it died.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state …; comm may hold spaces and parentheses, so read after the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
