/**
 * Names of the files in a store dir: records, temp files, quarantined records. Pure.
 */
import { CheckpointError } from '../errors.ts';

/** What a key must look like: a file name stem, never a path (no `/`, no leading `.`). */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;

/** The extension of record files. */
export const RECORD_SUFFIX = '.json';

/** The sub-dir bad records are moved to. */
export const QUARANTINE_DIR_NAME = 'quarantine';

const TEMP_SUFFIX = '.tmp';

/**
 * Throws unless `key` matches {@link KEY_PATTERN}.
 *
 * @throws {CheckpointError} KEY_INVALID
 */
export function validateKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new CheckpointError(
      'KEY_INVALID',
      `checkpoint key ${JSON.stringify(key) ?? String(key)} is invalid: expected it to match ${String(KEY_PATTERN)} (a file name, never a path)`,
      typeof key === 'string' ? { key } : {},
    );
  }
}

/** `<key>.json` */
export function buildRecordFileName(key: string): string {
  return `${key}${RECORD_SUFFIX}`;
}

/** The key of a record file name, or `undefined` for anything else in the dir. */
export function selectRecordKey(fileName: string): string | undefined {
  if (!fileName.endsWith(RECORD_SUFFIX)) return undefined;
  const key = fileName.slice(0, -RECORD_SUFFIX.length);
  return KEY_PATTERN.test(key) ? key : undefined;
}

/** `.<key>.<random>.tmp`: hidden, so no listing mistakes it for a record. */
export function buildTempFileName(stem: string, random: string): string {
  return `.${stem}.${random}${TEMP_SUFFIX}`;
}

/** True for names {@link buildTempFileName} makes. */
export function isTempFileName(fileName: string): boolean {
  return fileName.startsWith('.') && fileName.endsWith(TEMP_SUFFIX);
}

/**
 * `<key>.<UTC timestamp>.<random>.json`. The random part keeps two quarantines of one key in
 * the same millisecond from overwriting each other.
 */
export function buildQuarantineFileName(key: string, at: Date, random: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${key}.${stamp}.${random}${RECORD_SUFFIX}`;
}
