/**
 * The options of a record log: their type, and their one-time check at the boundary.
 */
import type { CheckpointError } from './errors.ts';
import { normalizeCommonRecordOptions, showOption, type NormalizedCommonRecordOptions } from './internal/record-options.ts';

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
export interface NormalizedRecordLogOptions<T> extends NormalizedCommonRecordOptions<T> {
  readonly durability: RecordLogDurability;
  readonly compactAtBytes: number;
}

/**
 * Checks options once and fills the defaults.
 *
 * @throws {TypeError} for a programmer mistake, e.g. ``Expected `durability` to be "power-loss" or "process-crash", got `"never"` ``
 */
export function normalizeRecordLogOptions<T>(options: RecordLogOptions<T>): NormalizedRecordLogOptions<T> {
  const common = normalizeCommonRecordOptions('record log options', options);
  const { durability, compactAtBytes } = options;
  if (durability !== undefined && durability !== 'power-loss' && durability !== 'process-crash') {
    throw new TypeError(`Expected \`durability\` to be "power-loss" or "process-crash", got \`${showOption(durability)}\``);
  }
  if (compactAtBytes !== undefined && (!Number.isSafeInteger(compactAtBytes) || compactAtBytes < 1)) {
    throw new TypeError(`Expected \`compactAtBytes\` to be a positive integer, got \`${showOption(compactAtBytes)}\``);
  }
  return { ...common, durability: durability ?? 'power-loss', compactAtBytes: compactAtBytes ?? 4 << 20 };
}
