/**
 * Checks of programmer-supplied options: mistakes throw `TypeError` with execa-style text.
 */
import { isAbsolute } from 'node:path';

/** Throws unless `value` is an absolute path. */
export function validateAbsolutePath(option: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !isAbsolute(value)) {
    throw new TypeError(`Expected \`${option}\` to be an absolute path, got \`${JSON.stringify(value)}\``);
  }
}

/** Throws unless `value` is a positive finite number (milliseconds, counts). */
export function validatePositiveNumber(option: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Expected \`${option}\` to be a positive number, got \`${JSON.stringify(value)}\``);
  }
}
