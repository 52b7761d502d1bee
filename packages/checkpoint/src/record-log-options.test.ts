import { describe, expect, it } from 'vitest';
import { normalizeRecordLogOptions, type RecordLogOptions } from './record-log-options.ts';

const base: RecordLogOptions<unknown> = { dir: '/var/lib/records', kind: 'rec', version: 1, parse: (data) => data };

describe('normalizeRecordLogOptions', () => {
  it('keeps an explicit power-loss durability and the common options', () => {
    const check = (): void => undefined;
    const onProblem = (): void => undefined;
    expect(normalizeRecordLogOptions({ ...base, check, onProblem, durability: 'power-loss', compactAtBytes: 4096 })).toEqual({
      dir: '/var/lib/records',
      kind: 'rec',
      version: 1,
      parse: base.parse,
      check,
      onProblem,
      durability: 'power-loss',
      compactAtBytes: 4096,
    });
  });

  it.each([
    [-1, '-1'],
    [Number.NaN, 'null'],
    [Number.POSITIVE_INFINITY, 'null'],
    [2 ** 53, '9007199254740992'],
    ['4096', '"4096"'],
  ])('refuses compactAtBytes %s, showing it as %s', (compactAtBytes, shown) => {
    expect(() => normalizeRecordLogOptions({ ...base, compactAtBytes } as never)).toThrow(new TypeError(`Expected \`compactAtBytes\` to be a positive integer, got \`${shown}\``));
  });

  it('refuses a durability that is not a string it knows', () => {
    expect(() => normalizeRecordLogOptions({ ...base, durability: '' } as never)).toThrow(new TypeError('Expected `durability` to be "power-loss" or "process-crash", got `""`'));
    expect(() => normalizeRecordLogOptions({ ...base, durability: null } as never)).toThrow(TypeError);
  });

  it('checks the common options with "record log options" in the message', () => {
    expect(() => normalizeRecordLogOptions(7 as never)).toThrow(new TypeError('Expected record log options to be an object, got `7`'));
    expect(() => normalizeRecordLogOptions({ ...base, dir: 'relative' })).toThrow(new TypeError('Expected `dir` to be an absolute path, got `"relative"`'));
  });
});
