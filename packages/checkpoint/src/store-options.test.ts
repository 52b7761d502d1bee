import { describe, expect, it } from 'vitest';
import { normalizeStoreOptions, type CheckpointStoreOptions } from './store-options.ts';

const valid: CheckpointStoreOptions<unknown> = { dir: '/var/lib/x', kind: 'k', version: 1, parse: (d) => d };

describe('normalizeStoreOptions', () => {
  it('turns fsync on by default', () => {
    expect(normalizeStoreOptions(valid).fsync).toBe(true);
  });

  it.each([
    [{ dir: './state' }, 'Expected `dir` to be an absolute path, got `"./state"`'],
    [{ kind: '' }, 'Expected `kind` to be a non-empty string, got `""`'],
    [{ version: 1.5 }, 'Expected `version` to be an integer >= 0, got `1.5`'],
    [{ parse: 'zod' }, 'Expected `parse` to be a function, got `"zod"`'],
    [{ onProblem: true }, 'Expected `onProblem` to be a function, got `true`'],
    [{ fsync: 'yes' }, 'Expected `fsync` to be a boolean, got `"yes"`'],
  ])('throws a TypeError for %j', (override, message) => {
    expect(() => normalizeStoreOptions({ ...valid, ...override } as CheckpointStoreOptions<unknown>)).toThrow(new TypeError(message));
  });
});
