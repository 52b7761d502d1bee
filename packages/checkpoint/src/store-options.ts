/**
 * The options of a checkpoint store: their type, and their one-time check at the boundary.
 */
import type { CheckpointError } from './errors.ts';
import { normalizeCommonRecordOptions, showOption, type NormalizedCommonRecordOptions } from './internal/record-options.ts';

/** Options of `createCheckpointStore`. */
export interface CheckpointStoreOptions<T> {
  /** Absolute path of the store dir; created 0700 (with missing parents) when absent. */
  readonly dir: string;
  /** The record kind stored in each envelope and checked on read, e.g. `podCheckpoint`. */
  readonly kind: string;
  /** The schema version stored in each envelope and checked on read (an integer ≥ 0). */
  readonly version: number;
  /**
   * Validates a record's data and returns the typed value (a zod schema's `parse` fits). It
   * runs on every read, and on every write before anything touches the disk. A throw makes
   * the record `RECORD_INVALID`.
   */
  readonly parse: (data: unknown) => T;
  /**
   * Checks a parsed value against the key it is stored under (a record that names another key
   * was moved or planted); a throw makes it RECORD_INVALID: quarantined on read, refused on write.
   * @default none
   */
  readonly check?: ((value: T, key: string) => void) | undefined;
  /**
   * Told synchronously about every record found unusable (quarantined, or unreadable), by
   * `read` and `list` alike. A throw from it is ignored, so that it cannot stop a `list`.
   */
  readonly onProblem?: ((problem: CheckpointError) => void) | undefined;
  /** fsync each write (file and dir), each remove and each quarantine (dir). @default true */
  readonly fsync?: boolean | undefined;
}

/** Options after {@link normalizeStoreOptions}: checked, defaults filled. */
export interface NormalizedStoreOptions<T> extends NormalizedCommonRecordOptions<T> {
  readonly fsync: boolean;
}

/**
 * Checks options once and fills the defaults.
 *
 * @throws {TypeError} for a programmer mistake, e.g. ``Expected `dir` to be an absolute path, got `"./state"` ``
 */
export function normalizeStoreOptions<T>(options: CheckpointStoreOptions<T>): NormalizedStoreOptions<T> {
  const common = normalizeCommonRecordOptions('checkpoint store options', options);
  const { fsync } = options;
  if (fsync !== undefined && typeof fsync !== 'boolean') throw new TypeError(`Expected \`fsync\` to be a boolean, got \`${showOption(fsync)}\``);
  return { ...common, fsync: fsync ?? true };
}
