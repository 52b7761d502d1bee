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

/** The longest delay a Node timer keeps (2³¹−1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Throws unless `value` is a positive number of milliseconds a timer can wait (at most {@link MAX_TIMER_MS}). */
export function validateTimerMs(option: string, value: unknown): asserts value is number {
  validatePositiveNumber(option, value);
  if (value > MAX_TIMER_MS) {
    throw new TypeError(`Expected \`${option}\` to be at most ${MAX_TIMER_MS} ms (a longer timer fires at once), got \`${JSON.stringify(value)}\``);
  }
}
