/**
 * A plugin call begun ahead of its turn: its first plugin process is started now, while the call
 * before it still runs, and gets its config (stdin) only when its turn comes. A plugin's own start
 * (exec, runtime init: ≈2 ms for the CNI project's Go plugins) thus overlaps the plugin before
 * it, and a pod's plugins still act one at a time, in order, as the spec asks.
 */

/** A call begun by {@link beginHeldCall}. */
export interface HeldCall<T> {
  /** Settles as the call does; a cancelled call rejects with the cancel's reason. */
  readonly result: Promise<T>;
  /** Its turn: the held plugin gets its config. */
  go(): void;
  /** Not its turn after all: the held plugin is killed before it has read anything. */
  cancel(reason: unknown): void;
}

/**
 * Begins `run` with a stdin gate that opens on `go()` and fails on `cancel()`. Neither the gate
 * nor the result is ever an unhandled rejection: the caller awaits `result` when it wants it.
 */
export function beginHeldCall<T>(run: (stdinGate: Promise<void>) => Promise<T>): HeldCall<T> {
  let go!: () => void;
  let cancel!: (reason: unknown) => void;
  const gate = new Promise<void>((resolve, reject) => {
    go = resolve;
    cancel = reject;
  });
  gate.catch(() => undefined);
  const result = run(gate);
  result.catch(() => undefined);
  return { result, go, cancel };
}
