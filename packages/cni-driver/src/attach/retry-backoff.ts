/**
 * When a failed ADD of a new attachment may be tried again: exponential backoff per attachment,
 * kept in memory (a restarted driver retries at once, which is what a restart is for).
 */
import type { AttachmentFailure } from '../pod/pod-types.ts';
import type { AttachmentRef } from './attachment.ts';

/** Backoff bounds. */
export interface RetryBackoffOptions {
  /** Wait after the first failure. @default 1_000 */
  readonly initialMs?: number | undefined;
  /** Longest wait. @default 60_000 */
  readonly maxMs?: number | undefined;
}

/** The failures of one driver's attachments and when each may be retried. */
export interface RetryBackoff {
  /** The failure that still holds this attachment back at `now`, if any. */
  selectWaiting(sandboxId: string, ref: AttachmentRef, now: Date): AttachmentFailure | undefined;
  /** Records a failed ADD; returns the failure with its next retry time. */
  recordFailure(sandboxId: string, ref: AttachmentRef, error: { code: string; message: string }, now: Date): AttachmentFailure;
  /** Forgets an attachment's failures (it was ADDed, or is no longer wanted). */
  forget(sandboxId: string, ref?: AttachmentRef): void;
  /** The failures of a sandbox's attachments. */
  list(sandboxId: string): AttachmentFailure[];
}

const keyOf = (ref: AttachmentRef): string => `${ref.network}\u0000${ref.ifName}`;

/** Creates the backoff book: `initialMs · 2^(attempts-1)`, capped at `maxMs`. */
export function createRetryBackoff(options: RetryBackoffOptions = {}): RetryBackoff {
  const initialMs = options.initialMs ?? 1_000;
  const maxMs = options.maxMs ?? 60_000;
  const book = new Map<string, Map<string, AttachmentFailure>>();
  return {
    selectWaiting(sandboxId, ref, now) {
      const failure = book.get(sandboxId)?.get(keyOf(ref));
      return failure && Date.parse(failure.retryAfter) > now.getTime() ? failure : undefined;
    },
    recordFailure(sandboxId, ref, error, now) {
      const failures = book.get(sandboxId) ?? new Map<string, AttachmentFailure>();
      book.set(sandboxId, failures);
      const attempts = (failures.get(keyOf(ref))?.attempts ?? 0) + 1;
      const waitMs = Math.min(initialMs * 2 ** (attempts - 1), maxMs);
      const failure: AttachmentFailure = {
        name: ref.network,
        interface: ref.ifName,
        code: error.code,
        message: error.message,
        attempts,
        retryAfter: new Date(now.getTime() + waitMs).toISOString(),
      };
      failures.set(keyOf(ref), failure);
      return failure;
    },
    forget(sandboxId, ref) {
      if (!ref) book.delete(sandboxId);
      else book.get(sandboxId)?.delete(keyOf(ref));
    },
    list: (sandboxId) => [...(book.get(sandboxId)?.values() ?? [])],
  };
}
