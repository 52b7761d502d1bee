/**
 * Pod operations on `node:diagnostics_channel`, as undici publishes its requests: an embedder
 * subscribes to export metrics or traces without wrapping anything. Nothing is published when
 * nobody subscribes.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { isCniError } from '@multinet/cni-types';

/** The tracing channel of pod operations (`tracing:multinet:pod:start|end|asyncStart|asyncEnd|error`). */
export const POD_TRACING_CHANNEL = 'multinet:pod';

/**
 * The message of every event of one pod operation (the same object throughout). `durationMs` and
 * `outcome` are set when it ends; Node adds `result` on success and `error` on failure.
 */
export interface PodOperationMessage {
  /** `reconcile`, `teardown`, `check` or `gc`. */
  readonly operation: 'reconcile' | 'teardown' | 'check' | 'gc';
  /** The sandbox, for operations on one. */
  readonly sandboxId: string | undefined;
  /** `namespace/name` of the pod, when known. */
  readonly pod: string | undefined;
  durationMs?: number;
  /** `ok`, or the error's code (`POD_SETUP_FAILED`, …; `AggregateError` for teardowns). */
  outcome?: string;
  result?: unknown;
  error?: unknown;
}

const podChannel = tracingChannel<unknown, PodOperationMessage>(POD_TRACING_CHANNEL);

/** Runs `operation`, published on {@link POD_TRACING_CHANNEL} when anyone listens. */
export function tracePodOperation<T>(message: PodOperationMessage, operation: () => Promise<T>): Promise<T> {
  if (!podChannel.hasSubscribers) return operation();
  const started = performance.now();
  const timed = async (): Promise<T> => {
    try {
      const result = await operation();
      message.outcome = 'ok';
      return result;
    } catch (error) {
      message.outcome = isCniError(error) ? error.code : error instanceof Error ? error.name : 'error';
      throw error;
    } finally {
      message.durationMs = performance.now() - started;
    }
  };
  return podChannel.tracePromise(timed, message);
}
