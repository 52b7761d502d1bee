/**
 * Appends frames to the open log file with group commit: every frame that arrives while a write
 * (and its `fdatasync`) is under way goes out in the next single write, with one `fdatasync`
 * for the whole batch when any of its frames asked for one.
 */
import { fdatasync, ftruncate, writeSync } from 'node:fs';
import { promisify } from 'node:util';

const datasyncAsync = promisify(fdatasync);
const truncateAsync = promisify(ftruncate);

interface Pending {
  readonly frame: Buffer;
  readonly sync: boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The appender of one log file. */
export interface LogAppender {
  /** Appends `frame`; resolves once it is in the file (and on the disk when `sync`). */
  append(frame: Buffer, sync: boolean): Promise<void>;
  /** Bytes in the file. */
  readonly size: number;
  /** Runs `task` between batches (nothing is being written meanwhile). */
  exclusive<R>(task: () => Promise<R>): Promise<R>;
  /** Points the appender at another file (after compaction). */
  switchTo(fd: number, size: number): void;
}

/** Creates the appender of the file open as `fd` (O_APPEND), `size` bytes long. */
export function createLogAppender(initialFd: number, initialSize: number): LogAppender {
  let fd = initialFd;
  let size = initialSize;
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  let broken: Error | undefined;

  const writeAllSync = (buffer: Buffer): void => {
    let done = 0;
    while (done < buffer.length) done += writeSync(fd, buffer, done, buffer.length - done);
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const buffer = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((p) => p.frame));
      try {
        if (broken) throw broken;
        // A write to the page cache costs microseconds: cheaper in place than a thread-pool hop.
        // Only the fdatasync, which waits for the disk, leaves this thread.
        writeAllSync(buffer);
        if (batch.some((p) => p.sync)) await datasyncAsync(fd);
        size += buffer.length;
        for (const p of batch) p.resolve();
      } catch (error) {
        // A half-written batch must not stay in front of later frames: replay would stop at it.
        await truncateAsync(fd, size).catch((truncateError: unknown) => {
          broken = new Error(`the record log cannot be cut back after a failed write: ${(truncateError as Error).message}`, { cause: truncateError });
        });
        for (const p of batch) p.reject(error);
      }
    }
  };

  const kick = (): void => {
    if (running) return;
    running = drain().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    append(frame, sync) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ frame, sync, resolve, reject });
        kick();
      });
    },
    get size() {
      return size;
    },
    async exclusive(task) {
      while (running) await running;
      // Nothing runs until the task ends: appends queue up meanwhile.
      let release!: () => void;
      running = new Promise<void>((resolve) => (release = resolve));
      try {
        return await task();
      } finally {
        running = undefined;
        release();
        if (queue.length > 0) kick();
      }
    },
    switchTo(newFd, newSize) {
      fd = newFd;
      size = newSize;
    },
  };
}
