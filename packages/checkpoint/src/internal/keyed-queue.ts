/**
 * Runs operations one at a time per key, in call order; different keys run concurrently.
 */

/** A per-key FIFO of async operations. */
export interface KeyedQueue {
  /** Runs `operation` after every operation queued earlier for `key` has settled. */
  run<R>(key: string, operation: () => Promise<R>): Promise<R>;
  /** True while an operation for `key` is queued or running. */
  isBusy(key: string): boolean;
}

/** Creates an empty {@link KeyedQueue}. */
export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<R>(key: string, operation: () => Promise<R>): Promise<R> {
      const previous = tails.get(key);
      const result = previous ? previous.then(operation) : new Promise<R>((resolve) => resolve(operation()));
      // Tails never reject: a failed operation must not stop the ones queued behind it.
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    isBusy(key) {
      return tails.has(key);
    },
  };
}
