/**
 * The on-disk form of a record: a versioned, checksummed envelope. Pure.
 */
import { createHash } from 'node:crypto';

/** What a record file holds. */
export interface Envelope {
  readonly kind: string;
  readonly version: number;
  /** `sha256:<hex>` of the JSON text of `data`. */
  readonly checksum: string;
  readonly data: unknown;
}

/** The checksum of a data JSON text. */
export function buildChecksum(dataJson: string): string {
  return `sha256:${createHash('sha256').update(dataJson).digest('hex')}`;
}

/** Serializes a record. `data` is encoded once; the checksum covers exactly those bytes. */
export function buildEnvelopeText(kind: string, version: number, data: unknown): string {
  const dataJson = JSON.stringify(data);
  return `{"kind":${JSON.stringify(kind)},"version":${version},"checksum":"${buildChecksum(dataJson)}","data":${dataJson}}\n`;
}

/** Why an envelope was refused. */
export type EnvelopeProblem = { readonly code: 'RECORD_CORRUPT' | 'RECORD_KIND_MISMATCH'; readonly reason: string };

/**
 * Checks a record file's text: JSON, envelope shape, kind and version, and the checksum of the
 * data (recomputed over its re-encoding, which equals the written bytes for JSON data).
 */
export function parseEnvelopeText(text: string, kind: string, version: number): { data: unknown } | EnvelopeProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'RECORD_CORRUPT', reason: text.length === 0 ? 'the file is empty' : 'the file is not valid JSON (torn write?)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { code: 'RECORD_CORRUPT', reason: 'not a record envelope' };
  const envelope = value as Partial<Envelope>;
  if (typeof envelope.checksum !== 'string' || !('data' in envelope)) return { code: 'RECORD_CORRUPT', reason: 'not a record envelope' };
  if (envelope.kind !== kind || envelope.version !== version) {
    return { code: 'RECORD_KIND_MISMATCH', reason: `it is ${String(envelope.kind)} v${String(envelope.version)}, expected ${kind} v${version}` };
  }
  if (buildChecksum(JSON.stringify(envelope.data)) !== envelope.checksum) return { code: 'RECORD_CORRUPT', reason: 'checksum mismatch' };
  return { data: envelope.data };
}
