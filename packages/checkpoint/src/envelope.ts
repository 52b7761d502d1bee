/**
 * The on-disk form of a record: a versioned, checksummed envelope
 * `{"kind","version","checksum":"sha256:<hex>","data"}`. Pure (hashing aside, no I/O).
 */
import { createHash } from 'node:crypto';

/** What a record file holds. */
export interface Envelope {
  /** The record kind, e.g. `podCheckpoint`. */
  readonly kind: string;
  /** The schema version of `data`. */
  readonly version: number;
  /** `sha256:<hex>` of the JSON text of `data` as `JSON.stringify` wrote it. */
  readonly checksum: string;
  /** The caller's value. */
  readonly data: unknown;
}

/** Why an envelope was refused: a code of the checkpoint error table and a reason for the message. */
export interface EnvelopeProblem {
  readonly ok: false;
  readonly code: 'RECORD_CORRUPT' | 'RECORD_KIND_MISMATCH' | 'RECORD_VERSION_UNSUPPORTED';
  readonly reason: string;
}

/** The outcome of {@link parseEnvelopeText}. */
export type EnvelopeOutcome = { readonly ok: true; readonly data: unknown } | EnvelopeProblem;

/** What a store expects of each envelope. */
export interface EnvelopeExpectation {
  readonly kind: string;
  readonly version: number;
}

const HEAD = '{"kind":';
const DATA_KEY = ',"data":';

/** `sha256:<hex>` of a JSON text. */
export function buildChecksum(json: string): string {
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/**
 * Serializes a record. `data` is encoded once and the checksum covers exactly those bytes. No
 * trailing newline: then every proper prefix of a record (a torn write) fails its checks.
 *
 * @returns `undefined` when `data` has no JSON form (`undefined`, a function, a symbol)
 * @throws the `JSON.stringify` error for a cycle or a BigInt
 */
export function buildEnvelopeText(expect: EnvelopeExpectation, data: unknown): string | undefined {
  const dataJson = JSON.stringify(data) as string | undefined;
  if (dataJson === undefined) return undefined;
  return `${HEAD}${JSON.stringify(expect.kind)},"version":${expect.version},"checksum":"${buildChecksum(dataJson)}"${DATA_KEY}${dataJson}}`;
}

const corrupt = (reason: string): EnvelopeProblem => ({ ok: false, code: 'RECORD_CORRUPT', reason });

function checkHead(head: Partial<Envelope>, expect: EnvelopeExpectation): EnvelopeProblem | undefined {
  if (head.kind !== expect.kind) {
    return { ok: false, code: 'RECORD_KIND_MISMATCH', reason: `its kind is ${JSON.stringify(head.kind) ?? 'missing'}, expected ${JSON.stringify(expect.kind)}` };
  }
  if (head.version !== expect.version) {
    return { ok: false, code: 'RECORD_VERSION_UNSUPPORTED', reason: `its version is ${JSON.stringify(head.version) ?? 'missing'}, expected ${expect.version}` };
  }
  if (typeof head.checksum !== 'string') return corrupt('it has no checksum');
  return undefined;
}

/**
 * Checks a record file's text: JSON, envelope shape, kind, version, checksum. For files in the
 * layout {@link buildEnvelopeText} writes, the checksum is computed over the data's bytes as
 * they are (no re-serialization) and the data is parsed once; any other layout (say, a record
 * pretty-printed by hand) gets a full parse and a checksum over the re-encoded data.
 */
export function parseEnvelopeText(text: string, expect: EnvelopeExpectation): EnvelopeOutcome {
  const dataAt = text.indexOf(DATA_KEY);
  const end = text.trimEnd().length - 1;
  if (text.startsWith(HEAD) && dataAt > 0 && text[end] === '}') {
    let head: unknown;
    try {
      head = JSON.parse(`${text.slice(0, dataAt)}}`);
    } catch {
      head = undefined; // not our layout after all (or torn): the full parse below says which
    }
    if (typeof head === 'object' && head !== null) {
      const problem = checkHead(head, expect);
      if (problem) return problem;
      const dataJson = text.slice(dataAt + DATA_KEY.length, end);
      if (buildChecksum(dataJson) !== (head as Envelope).checksum) return corrupt('checksum mismatch (torn or altered)');
      try {
        return { ok: true, data: JSON.parse(dataJson) };
      } catch {
        return corrupt('its data is not JSON');
      }
    }
  }
  return parseEnvelopeLoosely(text, expect);
}

function parseEnvelopeLoosely(text: string, expect: EnvelopeExpectation): EnvelopeOutcome {
  if (text.trim() === '') return corrupt('the file is empty (torn write?)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return corrupt(`it is not JSON (torn write?): ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('data' in value)) {
    return corrupt('it is not a record envelope {kind, version, checksum, data}');
  }
  const envelope = value as Partial<Envelope>;
  const problem = checkHead(envelope, expect);
  if (problem) return problem;
  const dataJson = JSON.stringify(envelope.data) as string | undefined;
  if (dataJson === undefined || buildChecksum(dataJson) !== envelope.checksum) return corrupt('checksum mismatch (torn or altered)');
  return { ok: true, data: envelope.data };
}
