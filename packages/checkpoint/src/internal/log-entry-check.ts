/**
 * The verdict on one record log entry's payload: the caller's typed value, or why it cannot be
 * trusted. Pure apart from the caller's `parse` and `check`.
 */
import type { CheckpointErrorCode } from '../errors.ts';

/** A trusted value, or a refusal with its code and reason. */
export type LogEntryVerdict<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: CheckpointErrorCode; readonly reason: string; readonly cause?: unknown };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Checks an entry's envelope `{"kind","version","data"}`, then runs `parse` and `check` on the data. */
export function checkLogPayload<T>(
  payload: Buffer,
  key: string,
  expect: { readonly kind: string; readonly version: number; readonly parse: (data: unknown) => T; readonly check?: ((value: T, key: string) => void) | undefined },
): LogEntryVerdict<T> {
  let envelope: { kind?: unknown; version?: unknown; data?: unknown };
  try {
    envelope = JSON.parse(payload.toString('utf8')) as typeof envelope;
  } catch (error) {
    return { ok: false, code: 'RECORD_CORRUPT', reason: `its entry is not JSON: ${messageOf(error)}`, cause: error };
  }
  if (typeof envelope !== 'object' || envelope === null) return { ok: false, code: 'RECORD_CORRUPT', reason: 'its entry is not an object' };
  if (envelope.kind !== expect.kind) return { ok: false, code: 'RECORD_KIND_MISMATCH', reason: `it holds kind ${JSON.stringify(envelope.kind)}, not ${JSON.stringify(expect.kind)}` };
  if (envelope.version !== expect.version) return { ok: false, code: 'RECORD_VERSION_UNSUPPORTED', reason: `it has version ${JSON.stringify(envelope.version)}, not ${expect.version}` };
  try {
    const value = expect.parse(envelope.data);
    expect.check?.(value, key);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, code: 'RECORD_INVALID', reason: `it was refused: ${messageOf(error)}`, cause: error };
  }
}
