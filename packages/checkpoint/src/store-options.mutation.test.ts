import { describe, expect, it } from 'vitest';
import { normalizeStoreOptions, type CheckpointStoreOptions } from './store-options.ts';

const parse = (data: unknown): unknown => data;
const good: CheckpointStoreOptions<unknown> = { dir: '/var/lib/multinet/pods', kind: 'podCheckpoint', version: 1, parse };
const normalize = (overrides: Record<string, unknown>) => () => normalizeStoreOptions({ ...good, ...overrides } as CheckpointStoreOptions<unknown>);

describe('normalizeStoreOptions', () => {
  it('keeps what it was given and fills the defaults', () => {
    const check = (): void => undefined;
    const onProblem = (): void => undefined;
    expect(normalizeStoreOptions({ ...good, check, onProblem, fsync: false })).toEqual({ ...good, check, onProblem, fsync: false });
    const defaults = normalizeStoreOptions(good);
    expect(defaults.check).toBeUndefined();
    expect(defaults.fsync).toBe(true);
    expect(defaults.onProblem(undefined as never)).toBeUndefined();
  });

  it('accepts version 0', () => {
    expect(normalizeStoreOptions({ ...good, version: 0 }).version).toBe(0);
  });

  it.each([[null], ['options'], [undefined]])('refuses options %j that are not an object', (options) => {
    expect(() => normalizeStoreOptions(options as never)).toThrow(new TypeError(`Expected checkpoint store options to be an object, got \`${JSON.stringify(options) ?? String(options)}\``));
  });

  it.each([
    [{ dir: './state' }, 'Expected `dir` to be an absolute path, got `"./state"`'],
    [{ dir: 7 }, 'Expected `dir` to be an absolute path, got `7`'],
    [{ kind: '' }, 'Expected `kind` to be a non-empty string, got `""`'],
    [{ kind: 3 }, 'Expected `kind` to be a non-empty string, got `3`'],
    [{ version: -1 }, 'Expected `version` to be an integer >= 0, got `-1`'],
    [{ version: 1.5 }, 'Expected `version` to be an integer >= 0, got `1.5`'],
    [{ version: '1' }, 'Expected `version` to be an integer >= 0, got `"1"`'],
    [{ parse: 'zod' }, 'Expected `parse` to be a function, got `"zod"`'],
    [{ check: true }, 'Expected `check` to be a function, got `true`'],
    [{ onProblem: 'log' }, 'Expected `onProblem` to be a function, got `"log"`'],
    [{ fsync: 'yes' }, 'Expected `fsync` to be a boolean, got `"yes"`'],
    [{ fsync: 0 }, 'Expected `fsync` to be a boolean, got `0`'],
  ])('refuses %j with a TypeError saying what it expected', (overrides, message) => {
    expect(normalize(overrides)).toThrow(new TypeError(message));
  });

  it('shows a function given where a value belongs as "a function"', () => {
    expect(normalize({ kind: parse })).toThrow(new TypeError('Expected `kind` to be a non-empty string, got `a function`'));
  });

  it('shows a value JSON cannot encode by its String form', () => {
    expect(normalize({ dir: undefined })).toThrow(new TypeError('Expected `dir` to be an absolute path, got `undefined`'));
  });
});
