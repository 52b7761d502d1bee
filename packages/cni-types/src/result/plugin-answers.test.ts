import { describe, expect, it } from 'vitest';
import { parseVersionResult } from './plugin-answers.ts';
import { errorOf } from '../../../../test/support/cni-error.ts';

/** The CniError a call throws. */
describe('parseVersionResult', () => {
  it('returns the version and the supported versions of a full answer', () => {
    expect(parseVersionResult({ cniVersion: '1.1.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }, 'bridge')).toEqual({
      cniVersion: '1.1.0',
      supportedVersions: ['0.4.0', '1.0.0', '1.1.0'],
    });
  });

  it.each([[null], [[{ cniVersion: '1.0.0' }]], ['1.0.0'], [{}], [{ cniVersion: '' }], [{ cniVersion: 1 }]])('refuses %j as an answer without a cniVersion, naming the plugin', (value) => {
    expect(errorOf(() => parseVersionResult(value, 'bridge'))).toMatchObject({
      code: 'PLUGIN_OUTPUT_INVALID',
      message: 'bridge answered VERSION without a "cniVersion"',
      details: { plugin: 'bridge', command: 'VERSION' },
    });
  });

  it('calls the plugin "plugin" when it is not named', () => {
    expect(errorOf(() => parseVersionResult({})).message).toBe('plugin answered VERSION without a "cniVersion"');
  });

  it('refuses a missing supportedVersions unless the answer is 0.2.0', () => {
    expect(errorOf(() => parseVersionResult({ cniVersion: '0.3.1' }, 'ptp'))).toMatchObject({
      code: 'PLUGIN_OUTPUT_INVALID',
      message: 'ptp answered VERSION without "supportedVersions"',
      details: { plugin: 'ptp', command: 'VERSION' },
    });
  });

  it('keeps a 0.2.0 answer that lists its versions as it is', () => {
    expect(parseVersionResult({ cniVersion: '0.2.0', supportedVersions: ['0.2.0'] }).supportedVersions).toEqual(['0.2.0']);
  });

  it.each([['1.0.0'], [{ 0: '1.0.0' }], [['1.0.0', 1]], [[1]], [null]])('refuses supportedVersions %j, which is not a list of strings', (supportedVersions) => {
    expect(errorOf(() => parseVersionResult({ cniVersion: '1.0.0', supportedVersions }, 'macvlan'))).toMatchObject({
      code: 'PLUGIN_OUTPUT_INVALID',
      message: 'macvlan answered VERSION with a "supportedVersions" that is not a list of strings',
      details: { plugin: 'macvlan', command: 'VERSION' },
    });
  });

  it('accepts an empty list of supported versions', () => {
    expect(parseVersionResult({ cniVersion: '1.0.0', supportedVersions: [] }).supportedVersions).toEqual([]);
  });
});
