/**
 * The plugin process groups an executor has running, killed when the embedding process exits.
 * Plugins run detached, in their own process group (so that a timeout kills delegated IPAM
 * children too); without this a library user's `process.exit()` would leave them running.
 * `process.kill` is synchronous, so it works inside the process's `'exit'` event, where nothing
 * asynchronous runs any more. (A SIGKILLed process runs no handler at all: that case is the
 * state-dir fence's, see fence/.)
 */

/** The live process groups of one executor. */
export interface ProcessGroupRegistry {
  /** Records a running group, by its leader's pid. */
  add(pgid: number): void;
  /** Forgets a group whose leader was reaped (its kill paths are done). */
  delete(pgid: number): void;
  /** The groups recorded now. */
  readonly size: number;
  /** Sends SIGKILL to every recorded group, synchronously, and forgets them. */
  killAll(): void;
}

// Stryker disable all: a mutant of a kill can signal processes that are not the test's (a
// sweep that matches everything kills every process on the machine). Proved by tests instead.
function killGroupNow(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}
// Stryker restore all

/**
 * Creates a registry whose groups get SIGKILL on the process's `'exit'` event. The listener is
 * only installed while a group is recorded, so idle executors leave no listener behind.
 */
export function createProcessGroupRegistry(): ProcessGroupRegistry {
  const groups = new Set<number>();
  const killAll = (): void => {
    for (const pgid of groups) killGroupNow(pgid);
    groups.clear();
    process.removeListener('exit', killAll);
  };
  return {
    add(pgid) {
      if (groups.size === 0) process.on('exit', killAll);
      groups.add(pgid);
    },
    delete(pgid) {
      if (!groups.delete(pgid)) return;
      if (groups.size === 0) process.removeListener('exit', killAll);
    },
    get size() {
      return groups.size;
    },
    killAll,
  };
}
