import { describe, expect, it } from 'vitest';
import { CniError, formatIssues, isCniError } from './errors.ts';

describe('CniError', () => {
  it('is named CniError and carries code, message, frozen details and cause', () => {
    const cause = new Error('inner');
    const error = new CniError('PLUGIN_FAILED', 'plugin failed', { plugin: 'bridge', pluginCode: 7 }, { cause });
    expect(error.name).toBe('CniError');
    expect(error).toMatchObject({ code: 'PLUGIN_FAILED', message: 'plugin failed', details: { plugin: 'bridge', pluginCode: 7 }, cause });
    expect(Object.isFrozen(error.details)).toBe(true);
  });

  it('has a plain JSON form with code, message and details', () => {
    const error = new CniError('CONFIG_INVALID', 'bad conf', { file: '/d/10.conf' });
    expect(error.toJSON()).toEqual({ code: 'CONFIG_INVALID', message: 'bad conf', file: '/d/10.conf' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'CONFIG_INVALID', message: 'bad conf', file: '/d/10.conf' });
  });
});

describe('isCniError', () => {
  it('recognises a CniError, and one from another copy of the package by its brand', () => {
    expect(isCniError(new CniError('CONFIG_INVALID', 'x'))).toBe(true);
    expect(isCniError({ [Symbol.for('@multinet/cni-types.CniError')]: true, code: 'CONFIG_INVALID' })).toBe(true);
  });

  it.each([[new Error('plain')], [{ code: 'CONFIG_INVALID', name: 'CniError' }], [null], [undefined], ['CniError'], [42]])('refuses %j', (value) => {
    expect(isCniError(value)).toBe(false);
  });

  it('refuses an object whose brand is an own string key, not the symbol', () => {
    expect(isCniError({ '@multinet/cni-types.CniError': true })).toBe(false);
  });
});

describe('formatIssues', () => {
  it('dots object keys and brackets array indexes', () => {
    expect(formatIssues([{ path: ['plugins', 0, 'type'], message: 'm' }, { path: [], message: 'root' }, { path: [1, 'a'], message: 'n' }])).toEqual([
      { path: 'plugins[0].type', message: 'm' },
      { path: '', message: 'root' },
      { path: '[1].a', message: 'n' },
    ]);
  });
});
