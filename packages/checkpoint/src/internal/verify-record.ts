/**
 * The verdict on a record file's text: the caller's typed value, or why it cannot be trusted.
 * Pure apart from the caller's `parse`.
 */
import { parseEnvelopeText, type EnvelopeExpectation } from '../envelope.ts';
import type { CheckpointErrorCode } from '../errors.ts';

/** A trusted value, or a refusal with its code and reason. */
export type RecordVerdict<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: CheckpointErrorCode; readonly reason: string; readonly cause?: unknown };

/** Checks envelope, kind, version and checksum, then runs the caller's `parse` on the data. */
export function verifyRecordText<T>(text: string, expect: EnvelopeExpectation, parse: (data: unknown) => T): RecordVerdict<T> {
  const envelope = parseEnvelopeText(text, expect);
  if (!envelope.ok) return envelope;
  try {
    return { ok: true, value: parse(envelope.data) };
  } catch (error) {
    return { ok: false, code: 'RECORD_INVALID', reason: `the caller's parse rejected its data: ${(error as Error)?.message ?? String(error)}`, cause: error };
  }
}
