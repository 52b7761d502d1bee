/**
 * The options a checkpoint store and a record log share (where, what kind and version, how a
 * record is parsed and checked, who hears of problems), checked once at the boundary.
 */
import { isAbsolute } from 'node:path';
import type { CheckpointError } from '../errors.ts';

/** The options every record container takes. */
export interface CommonRecordOptions<T> {
  readonly dir: string;
  readonly kind: string;
  readonly version: number;
  readonly parse: (data: unknown) => T;
  readonly check?: ((value: T, key: string) => void) | undefined;
  readonly onProblem?: ((problem: CheckpointError) => void) | undefined;
}

/** {@link CommonRecordOptions} checked, defaults filled. */
export interface NormalizedCommonRecordOptions<T> {
  readonly dir: string;
  readonly kind: string;
  readonly version: number;
  readonly parse: (data: unknown) => T;
  readonly check: ((value: T, key: string) => void) | undefined;
  readonly onProblem: (problem: CheckpointError) => void;
}

/** How a bad option value is shown in a TypeError. */
export const showOption = (value: unknown): string => (typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value)));

/**
 * Checks the shared options of `what` (e.g. `checkpoint store options`) and fills defaults.
 *
 * @throws {TypeError} for a programmer mistake, e.g. ``Expected `dir` to be an absolute path, got `"rel"` ``
 */
export function normalizeCommonRecordOptions<T>(what: string, options: CommonRecordOptions<T>): NormalizedCommonRecordOptions<T> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected ${what} to be an object, got \`${showOption(options)}\``);
  const { dir, kind, version, parse, check, onProblem } = options;
  if (typeof dir !== 'string' || !isAbsolute(dir)) throw new TypeError(`Expected \`dir\` to be an absolute path, got \`${showOption(dir)}\``);
  if (typeof kind !== 'string' || kind === '') throw new TypeError(`Expected \`kind\` to be a non-empty string, got \`${showOption(kind)}\``);
  if (!Number.isSafeInteger(version) || version < 0) throw new TypeError(`Expected \`version\` to be an integer >= 0, got \`${showOption(version)}\``);
  if (typeof parse !== 'function') throw new TypeError(`Expected \`parse\` to be a function, got \`${showOption(parse)}\``);
  if (check !== undefined && typeof check !== 'function') throw new TypeError(`Expected \`check\` to be a function, got \`${showOption(check)}\``);
  if (onProblem !== undefined && typeof onProblem !== 'function') throw new TypeError(`Expected \`onProblem\` to be a function, got \`${showOption(onProblem)}\``);
  return { dir, kind, version, parse, check, onProblem: onProblem ?? (() => undefined) };
}
