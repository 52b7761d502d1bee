/**
 * The options of a checkpoint store: their type, and their one-time check at the boundary.
 */
import { isAbsolute } from 'node:path';
import type { CheckpointError } from './errors.ts';

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
export interface NormalizedStoreOptions<T> {
  readonly dir: string;
  readonly kind: string;
  readonly version: number;
  readonly parse: (data: unknown) => T;
  readonly check: ((value: T, key: string) => void) | undefined;
  readonly onProblem: (problem: CheckpointError) => void;
  readonly fsync: boolean;
}

const show = (value: unknown): string => (typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value)));

/**
 * Checks options once and fills the defaults.
 *
 * @throws {TypeError} for a programmer mistake, e.g. ``Expected `dir` to be an absolute path, got `"./state"` ``
 */
export function normalizeStoreOptions<T>(options: CheckpointStoreOptions<T>): NormalizedStoreOptions<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected checkpoint store options to be an object, got \`${show(options)}\``);
  const { dir, kind, version, parse, check, onProblem, fsync } = options;
  if (typeof dir !== 'string' || !isAbsolute(dir)) throw new TypeError(`Expected \`dir\` to be an absolute path, got \`${show(dir)}\``);
  if (typeof kind !== 'string' || kind === '') throw new TypeError(`Expected \`kind\` to be a non-empty string, got \`${show(kind)}\``);
  if (!Number.isSafeInteger(version) || version < 0) throw new TypeError(`Expected \`version\` to be an integer >= 0, got \`${show(version)}\``);
  if (typeof parse !== 'function') throw new TypeError(`Expected \`parse\` to be a function, got \`${show(parse)}\``);
  if (check !== undefined && typeof check !== 'function') throw new TypeError(`Expected \`check\` to be a function, got \`${show(check)}\``);
  if (onProblem !== undefined && typeof onProblem !== 'function') throw new TypeError(`Expected \`onProblem\` to be a function, got \`${show(onProblem)}\``);
  if (fsync !== undefined && typeof fsync !== 'boolean') throw new TypeError(`Expected \`fsync\` to be a boolean, got \`${show(fsync)}\``);
  return { dir, kind, version, parse, check, onProblem: onProblem ?? (() => undefined), fsync: fsync ?? true };
}
