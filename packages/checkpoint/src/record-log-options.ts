/**
 * The options of a record log: their type, and their one-time check at the boundary.
 */
import { isAbsolute } from 'node:path';
import type { CheckpointError } from './errors.ts';

/**
 * What a write that asks to be durable survives before it resolves:
 * - `power-loss`: the entry is on the disk (`fdatasync`, shared by every append under way: group
 *   commit);
 * - `process-crash`: the entry is in the kernel (`write(2)` returned), which the death of this
 *   process cannot undo; a power loss or kernel crash can.
 */
export type RecordLogDurability = 'power-loss' | 'process-crash';

/** Options of `openRecordLog`. */
export interface RecordLogOptions<T> {
  /** Absolute path of the log dir; created 0700 (with missing parents) when absent. */
  readonly dir: string;
  /** The record kind written in each entry and checked on read, e.g. `podCheckpoint`. */
  readonly kind: string;
  /** The schema version written in each entry and checked on read (an integer ≥ 0). */
  readonly version: number;
  /** Validates a record's data and returns the typed value; runs when an entry is read (not on write). */
  readonly parse: (data: unknown) => T;
  /** Checks a parsed value against its key; a throw makes it RECORD_INVALID. @default none */
  readonly check?: ((value: T, key: string) => void) | undefined;
  /** Told about every entry found unusable (quarantined) and about a corrupt tail. */
  readonly onProblem?: ((problem: CheckpointError) => void) | undefined;
  /** @default 'power-loss' */
  readonly durability?: RecordLogDurability | undefined;
  /**
   * Compact (rewrite the live records into a new file) once the file is larger than this and
   * more than twice the live records. @default 4 MiB
   */
  readonly compactAtBytes?: number | undefined;
}

/** Options after {@link normalizeRecordLogOptions}. */
export interface NormalizedRecordLogOptions<T> {
  readonly dir: string;
  readonly kind: string;
  readonly version: number;
  readonly parse: (data: unknown) => T;
  readonly check: ((value: T, key: string) => void) | undefined;
  readonly onProblem: (problem: CheckpointError) => void;
  readonly durability: RecordLogDurability;
  readonly compactAtBytes: number;
}

const show = (value: unknown): string => (typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value)));

/**
 * Checks options once and fills the defaults.
 *
 * @throws {TypeError} for a programmer mistake, e.g. ``Expected `durability` to be "power-loss" or "process-crash", got `"never"` ``
 */
export function normalizeRecordLogOptions<T>(options: RecordLogOptions<T>): NormalizedRecordLogOptions<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected record log options to be an object, got \`${show(options)}\``);
  const { dir, kind, version, parse, check, onProblem, durability, compactAtBytes } = options;
  if (typeof dir !== 'string' || !isAbsolute(dir)) throw new TypeError(`Expected \`dir\` to be an absolute path, got \`${show(dir)}\``);
  if (typeof kind !== 'string' || kind === '') throw new TypeError(`Expected \`kind\` to be a non-empty string, got \`${show(kind)}\``);
  if (!Number.isSafeInteger(version) || version < 0) throw new TypeError(`Expected \`version\` to be an integer >= 0, got \`${show(version)}\``);
  if (typeof parse !== 'function') throw new TypeError(`Expected \`parse\` to be a function, got \`${show(parse)}\``);
  if (check !== undefined && typeof check !== 'function') throw new TypeError(`Expected \`check\` to be a function, got \`${show(check)}\``);
  if (onProblem !== undefined && typeof onProblem !== 'function') throw new TypeError(`Expected \`onProblem\` to be a function, got \`${show(onProblem)}\``);
  if (durability !== undefined && durability !== 'power-loss' && durability !== 'process-crash') {
    throw new TypeError(`Expected \`durability\` to be "power-loss" or "process-crash", got \`${show(durability)}\``);
  }
  if (compactAtBytes !== undefined && (!Number.isSafeInteger(compactAtBytes) || compactAtBytes < 1)) {
    throw new TypeError(`Expected \`compactAtBytes\` to be a positive integer, got \`${show(compactAtBytes)}\``);
  }
  return { dir, kind, version, parse, check, onProblem: onProblem ?? (() => undefined), durability: durability ?? 'power-loss', compactAtBytes: compactAtBytes ?? 4 << 20 };
}
