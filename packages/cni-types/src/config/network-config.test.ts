import { describe, expect, it } from 'vitest';
import { convertConfToConfList, parseNetworkConfigFile, parseNetworkConfigList, parsePluginConf } from './network-config.ts';

const list = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'bridge', custom: { keep: [1, 2] } }], ...extra });

describe('parseNetworkConfigList', () => {
  it('keeps the exact bytes and unknown plugin fields', () => {
    const text = list();
    const parsed = parseNetworkConfigList(text);
    expect(parsed.bytes).toBe(text);
    expect(parsed.plugins[0]).toEqual({ type: 'bridge', custom: { keep: [1, 2] } });
  });

  it('takes the highest of cniVersion and cniVersions, dropping versions newer than 1.1.0', () => {
    expect(parseNetworkConfigList(list({ cniVersion: '0.4.0', cniVersions: ['1.0.0', '2.5.0'] })).cniVersion).toBe('1.0.0');
    expect(parseNetworkConfigList(list({ cniVersion: '1.1.0', cniVersions: ['0.3.1'] })).cniVersion).toBe('1.1.0');
  });

  it('treats a missing cniVersion as 0.1.0', () => {
    expect(parseNetworkConfigList(JSON.stringify({ name: 'n', plugins: [{ type: 'x' }] })).cniVersion).toBe('0.1.0');
  });

  it.each([
    [true, true],
    ['TRUE', true],
    ['false', false],
    [undefined, false],
  ])('reads disableCheck %j as %j', (value, expected) => {
    expect(parseNetworkConfigList(list({ disableCheck: value, disableGC: value })).disableCheck).toBe(expected);
  });

  it.each([
    ['no name', JSON.stringify({ plugins: [{ type: 'x' }] }), 'no "name"'],
    ['a name that is not a string', JSON.stringify({ name: 1, plugins: [{ type: 'x' }] }), 'invalid "name"'],
    ['no plugins key', JSON.stringify({ name: 'n' }), 'no "plugins"'],
    ['an empty plugin list', JSON.stringify({ name: 'n', plugins: [] }), 'no plugins'],
    ['a plugin without type', JSON.stringify({ name: 'n', plugins: [{}] }), 'missing "type"'],
    ['a bad disableGC', list({ disableGC: 'yes' }), 'disableGC'],
    ['a bad cniVersions entry', list({ cniVersions: ['x'] }), 'cniVersions[0]'],
    ['malformed JSON', '{"name": ', 'not valid JSON'],
    ['an empty file', '  ', 'empty'],
    ['a JSON array', '[]', 'not a JSON object'],
  ])('refuses %s with CONFIG_INVALID naming the file', (_, text, fragment) => {
    let error: unknown;
    try {
      parseNetworkConfigList(text, { file: '/etc/cni/net.d/10-x.conflist' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', details: { file: '/etc/cni/net.d/10-x.conflist' } });
    expect((error as Error).message).toContain(fragment);
    expect((error as Error).message).toContain('10-x.conflist');
  });
});

describe('single confs', () => {
  it('up-converts a .conf to a one-plugin list with its name and version', () => {
    const parsed = parseNetworkConfigFile(JSON.stringify({ cniVersion: '0.4.0', name: 'db', type: 'ptp' }), '/d/20-db.conf');
    expect(parsed).toMatchObject({ name: 'db', cniVersion: '0.4.0', plugins: [{ type: 'ptp', name: 'db' }] });
    expect(JSON.parse(parsed.bytes)).toMatchObject({ name: 'db', plugins: [{ type: 'ptp' }] });
  });

  it('reads a conflist saved as .json as a list', () => {
    expect(parseNetworkConfigFile(list(), '/d/10.json').plugins[0]?.type).toBe('bridge');
  });

  it('tells a .conf holding a list to be named .conflist', () => {
    expect(() => parsePluginConf(JSON.stringify({ name: 'n', plugins: [{ type: 'x' }] }), { file: '/d/x.conf' })).toThrow(/name it \.conflist/);
  });

  it('gives a nameless .conf the empty name, as libcni', () => {
    expect(convertConfToConfList({ type: 'x' }).name).toBe('');
  });
});
