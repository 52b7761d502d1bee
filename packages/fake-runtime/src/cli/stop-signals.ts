/**
 * The signals that ask a command to stop (SIGTERM, SIGINT), as one subscription.
 */
import { constants } from 'node:os';

/** The signals a command stops on. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** One of {@link STOP_SIGNALS}. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit status of a command ended by `signal`, as a shell reports it: 128 + its number. */
export function buildSignalExitStatus(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Calls `onStop` on the first SIGTERM or SIGINT (a second one has the default effect: the
 * process dies). Returns the function that unsubscribes.
 */
export function watchStopSignals(onStop: (signal: StopSignal) => void): () => void {
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = (): void => {
      unsubscribe();
      onStop(signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  function unsubscribe(): void {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  }
  return unsubscribe;
}
