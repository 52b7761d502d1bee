/**
 * One driver's life inside the runtime, and its end by crash. A crash in one process cannot kill
 * the process, so it is made to look like one from the outside: every step of the crashed life
 * (a plugin call, a driver call, a registry or namespace step of the loop) that settles after the
 * crash never delivers its result — its caller stops where it was, as a dead process stops — and
 * no new step starts. Plugins in flight are aborted (their process groups killed, as the driver's
 * spawner helper does when its parent dies), then the life's lock descriptors are closed, which
 * is what the kernel does for a dead process: the next driver takes the state dir as a new kubelet
 * would after a crash.
 */
import { closeSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';

/** A promise that never settles: what a dead process's pending work amounts to. */
export function createFrozenPromise<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** One driver's life: crashed or not, and the steps still in flight. */
export interface DriverLife {
  /** True once {@link DriverLife.crash} ran. */
  readonly crashed: boolean;
  /** Aborted at the crash: plugin calls in flight are killed with it. */
  readonly signal: AbortSignal;
  /** Ends the life (idempotent). */
  crash(): void;
  /** Runs a step of this life; after a crash (at its start or by its end) it never settles. */
  gate<T>(step: () => Promise<T>): Promise<T>;
  /** Tracks a plugin call of this life, so that {@link DriverLife.idle} can wait for it. */
  track<T>(call: Promise<T>): Promise<T>;
  /** Resolves once every tracked plugin call has settled. */
  idle(): Promise<void>;
}

/** Creates a life that has not crashed. */
export function createDriverLife(): DriverLife {
  const abort = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const life: DriverLife = {
    get crashed() {
      return abort.signal.aborted;
    },
    signal: abort.signal,
    crash() {
      if (!abort.signal.aborted) abort.abort();
    },
    async gate<T>(step: () => Promise<T>): Promise<T> {
      if (life.crashed) return createFrozenPromise<T>();
      let value: T;
      try {
        value = await step();
      } catch (error) {
        if (life.crashed) return createFrozenPromise<T>();
        throw error;
      }
      return life.crashed ? createFrozenPromise<T>() : value;
    },
    track<T>(call: Promise<T>): Promise<T> {
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call)).catch(() => undefined);
      return call;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
  return life;
}

/**
 * Wraps every method of `target` (but `except`) in the life's gate: once the life crashed, no
 * call delivers a result.
 */
export function gateMethods<T extends object>(target: T, life: () => DriverLife, except: readonly string[] = []): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || except.includes(String(property))) return value;
      return (...args: unknown[]) => life().gate(() => Promise.resolve((value as (...a: unknown[]) => unknown).apply(object, args)));
    },
  });
}

/**
 * The descriptors this process has open on `lockPath` (the driver's state-dir lock), found in
 * /proc/self/fd. Closing them drops the lock as a process's death does.
 */
export function listLockDescriptors(lockPath: string): number[] {
  let target: string;
  try {
    target = realpathSync(lockPath);
  } catch {
    return [];
  }
  const fds: number[] = [];
  for (const entry of readdirSync('/proc/self/fd')) {
    let link: string;
    try {
      link = readlinkSync(`/proc/self/fd/${entry}`);
    } catch {
      continue; // the descriptor readdir itself used, closed by now
    }
    if (link === target) fds.push(Number(entry));
  }
  return fds;
}

/** Closes descriptors, ignoring ones already closed. */
export function closeDescriptors(fds: readonly number[]): void {
  for (const fd of fds) {
    try {
      closeSync(fd);
    } catch {
      // EBADF: already closed.
    }
  }
}
