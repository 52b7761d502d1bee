/**
 * Counting fsyncs from a test: the checkpoint code syncs files and dirs through
 * `FileHandle.prototype.sync`, which this spies on (restore with `vi.restoreAllMocks()`).
 */
import { open } from 'node:fs/promises';
import { vi } from 'vitest';

/** Starts counting `FileHandle.sync()` calls; `dir` is any dir to open a handle on. */
export async function countSyncs(dir: string): Promise<{ count: number }> {
  const probe = await open(dir, 'r');
  const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const counter = { count: 0 };
  const original = prototype.sync;
  vi.spyOn(prototype, 'sync').mockImplementation(function (this: unknown) {
    counter.count += 1;
    return original.call(this);
  });
  return counter;
}
