/**
 * The driver's concurrency rules: one operation at a time per sandbox, at most N sandboxes at
 * once, and GC exclusive of setup and teardown (ocicni's gcLock).
 */

/** Runs tasks one at a time per key. */
export interface KeyedMutex {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

/** Creates a per-key mutex (a promise chain per key, dropped when idle). */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(task);
      tails.set(key, next);
      void next
        .finally(() => {
          if (tails.get(key) === next) tails.delete(key);
        })
        .catch(() => undefined);
      return next;
    },
  };
}

/** Limits how many tasks run at once. */
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Creates a counting semaphore with `limit` slots (FIFO). */
export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active--;
    waiting.shift()?.();
  };
  return {
    async run(task) {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/** Shared (setup, teardown) and exclusive (GC) sections. */
export interface ReadWriteLock {
  shared<T>(task: () => Promise<T>): Promise<T>;
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

/** Creates a writer-preferring read/write lock. */
export function createReadWriteLock(): ReadWriteLock {
  let readers = 0;
  let writer = false;
  let writersWaiting = 0;
  const queue: Array<() => void> = [];
  const wake = (): void => {
    const waiters = queue.splice(0);
    for (const waiter of waiters) waiter();
  };
  const acquire = async (exclusive: boolean): Promise<void> => {
    if (exclusive) writersWaiting++;
    while (exclusive ? writer || readers > 0 : writer || writersWaiting > 0) {
      await new Promise<void>((resolve) => queue.push(resolve));
    }
    if (exclusive) {
      writersWaiting--;
      writer = true;
    } else readers++;
  };
  const run = async <T>(exclusive: boolean, task: () => Promise<T>): Promise<T> => {
    await acquire(exclusive);
    try {
      return await task();
    } finally {
      if (exclusive) writer = false;
      else readers--;
      wake();
    }
  };
  return { shared: (task) => run(false, task), exclusive: (task) => run(true, task) };
}
