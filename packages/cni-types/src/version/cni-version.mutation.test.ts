import { describe, expect, it } from 'vitest';
import { isCniError } from '../errors.ts';
import { isCniVersionAtLeast, isKnownCniVersion, parseCniVersion, selectHighestCommonVersion } from './cni-version.ts';

describe('parseCniVersion', () => {
  it.each([['1.0a'], ['1.a'], ['x'], ['1.0.0.0'], ['1..0']])('refuses %j with VERSION_INVALID, quoting it', (text) => {
    let caught: unknown;
    try {
      parseCniVersion(text);
    } catch (error) {
      caught = error;
    }
    expect(isCniError(caught)).toBe(true);
    expect(caught).toMatchObject({
      code: 'VERSION_INVALID',
      message: `invalid CNI version "${text}": expected x, x.y or x.y.z with numeric parts`,
      details: { versions: { wanted: text } },
    });
  });

  it('drops leading zeros', () => {
    expect(parseCniVersion('01.002')).toBe('1.2.0');
  });
});

describe('comparisons', () => {
  it('counts a version as at least itself', () => {
    expect(isCniVersionAtLeast('1.0.0', '1.0')).toBe(true);
    expect(isCniVersionAtLeast('0.4.0', '1.0.0')).toBe(false);
  });

  it('says false for text that is no version at all', () => {
    expect(isKnownCniVersion('x.y')).toBe(false);
    expect(isKnownCniVersion('2.0.0')).toBe(false);
    expect(isKnownCniVersion('1.1')).toBe(true);
  });
});

describe('selectHighestCommonVersion', () => {
  it('picks the highest shared version whatever the order of the lists', () => {
    expect(selectHighestCommonVersion(['1.1.0', '0.4.0', '1.0.0'], ['1.1.0', '0.4.0', '1.0.0'])).toBe('1.1.0');
    expect(selectHighestCommonVersion(['0.4.0', '1.0.0', '1.1.0'], ['1.1.0', '1.0.0', '0.4.0'])).toBe('1.1.0');
  });

  it('ignores entries that are no version, on both sides', () => {
    expect(selectHighestCommonVersion(['bogus', '1.0.0'], ['bogus', '1.0.0', 'also-bad'])).toBe('1.0.0');
    expect(selectHighestCommonVersion(['bogus'], ['bogus'])).toBeUndefined();
  });
});
