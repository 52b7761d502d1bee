import { describe, expect, it } from 'vitest';
import { compareCniVersions, isCniVersionAtLeast, isKnownCniVersion, parseCniVersion, selectHighestCommonVersion } from './cni-version.ts';

describe('parseCniVersion', () => {
  it.each([
    ['', '0.1.0'],
    ['1.0', '1.0.0'],
    ['1', '1.0.0'],
    ['0.3.1', '0.3.1'],
    ['01.02.03', '1.2.3'],
  ])('normalizes %j to %s like libcni', (input, expected) => {
    expect(parseCniVersion(input)).toBe(expected);
  });

  it.each(['1.0.0.0', 'v1.0.0', '1.x', '1..0'])('refuses %j with VERSION_INVALID', (input) => {
    expect(() => parseCniVersion(input)).toThrow(expect.objectContaining({ code: 'VERSION_INVALID' }));
  });
});

describe('version comparison', () => {
  it('compares numerically, not as text', () => {
    expect(compareCniVersions('0.10.0', '0.9.0')).toBe(1);
    expect(compareCniVersions('1.0', '1.0.0')).toBe(0);
    expect(isCniVersionAtLeast('0.3.1', '0.4.0')).toBe(false);
    expect(isCniVersionAtLeast('1.1.0', '0.4.0')).toBe(true);
  });

  it('knows exactly the seven spec versions', () => {
    expect(['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0', '0.5.0', '2.0.0'].map(isKnownCniVersion)).toEqual([
      true, true, true, true, true, true, true, false, false,
    ]);
  });

  it('selects the highest version both sides support, ignoring junk', () => {
    expect(selectHighestCommonVersion(['0.3.1', '0.4.0', '1.0.0', '1.1.0'], ['0.2.0', '0.4.0', 'junk', '1.0'])).toBe('1.0.0');
    expect(selectHighestCommonVersion(['1.0.0'], ['0.1.0', '0.2.0'])).toBeUndefined();
  });
});
