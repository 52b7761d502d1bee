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

const DATA_KEY = ',"data":';

/**
 * Checks a record file's text: envelope shape, kind and version, and the checksum — computed
 * over the data's bytes exactly as written (no re-serialization), then the data is parsed once.
 * Files not in the layout this module writes fall back to a full parse and a re-encoded check.
 */
export function parseEnvelopeText(text: string, kind: string, version: number): { data: unknown } | EnvelopeProblem {
  const dataAt = text.indexOf(DATA_KEY);
  const end = text.lastIndexOf('}');
  if (text.startsWith('{"kind":') && dataAt > 0 && end > dataAt) {
    let head: Partial<Envelope>;
    let data: unknown;
    try {
      head = JSON.parse(`${text.slice(0, dataAt)}}`) as Partial<Envelope>;
    } catch {
      return { code: 'RECORD_CORRUPT', reason: 'the file is not valid JSON (torn write?)' };
    }
    if (head.kind !== kind || head.version !== version) {
      return { code: 'RECORD_KIND_MISMATCH', reason: `it is ${String(head.kind)} v${String(head.version)}, expected ${kind} v${version}` };
    }
    const dataJson = text.slice(dataAt + DATA_KEY.length, end);
    if (buildChecksum(dataJson) !== head.checksum || text.slice(end + 1).trim() !== '') {
      return { code: 'RECORD_CORRUPT', reason: 'checksum mismatch (torn or altered)' };
    }
    try {
      data = JSON.parse(dataJson);
    } catch {
      return { code: 'RECORD_CORRUPT', reason: 'the data is not valid JSON' };
    }
    return { data };
  }
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
