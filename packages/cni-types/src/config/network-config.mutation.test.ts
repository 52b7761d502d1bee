import { describe, expect, it } from 'vitest';
import { MAX_CONFIG_DEPTH, parseNetworkConfigFile, parseNetworkConfigList, parsePluginConf } from './network-config.ts';
import { errorOf } from '../../../../test/support/cni-error.ts';

const FILE = '/etc/cni/net.d/10-x.conflist';

/** The CniError a call throws (the test fails when it returns instead). */
/** `levels` nested arrays: `[[…]]`, the innermost one empty. */
const nestedArrays = (levels: number): unknown => {
  let value: unknown = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
};

describe('parseNetworkConfigList: where a message points', () => {
  it('names the file in the message and details when it has a source', () => {
    const error = errorOf(() => parseNetworkConfigList('{', { file: FILE }));
    expect(error.message).toMatch(new RegExp(` in ${FILE}$`));
    expect(error.details['file']).toBe(FILE);
  });

  it('names no file when it has no source', () => {
    const error = errorOf(() => parseNetworkConfigList(' '));
    expect(error.message).toBe('network config is empty');
    expect(error.details['file']).toBeUndefined();
  });

  it.each([['null'], ['42'], ['"text"'], ['true'], ['[{"name":"n"}]']])('refuses %s as "not a JSON object"', (text) => {
    expect(errorOf(() => parseNetworkConfigList(text)).message).toBe('network config is not a JSON object');
  });

  it('shows the value of a name that is not a string', () => {
    expect(errorOf(() => parseNetworkConfigList(JSON.stringify({ name: 42, plugins: [{ type: 'x' }] }))).message).toBe('invalid "name": expected a string, got 42');
  });

  it('names the list when it has no plugins key or no plugins', () => {
    expect(errorOf(() => parseNetworkConfigList('{"name":"pod-net"}')).message).toBe('network config list "pod-net" has no "plugins" key');
    expect(errorOf(() => parseNetworkConfigList('{"name":"pod-net","plugins":[]}')).message).toBe('network config list "pod-net" has no plugins in "plugins"');
  });

  it('refuses plugins that are not an array', () => {
    expect(errorOf(() => parseNetworkConfigList('{"name":"n","plugins":{"type":"x"}}')).message).toBe('invalid "plugins": expected an array');
  });
});

describe('parseNetworkConfigList: nesting limit', () => {
  // The list object is level 1, `plugins` level 2, the plugin level 3, its field's value level 4 on.
  const listNested = (depth: number): string => JSON.stringify({ name: 'n', plugins: [{ type: 'x', deep: nestedArrays(depth - 3), none: null, flat: 1 }] });

  it(`accepts a config nested exactly ${MAX_CONFIG_DEPTH} levels deep`, () => {
    expect(parseNetworkConfigList(listNested(MAX_CONFIG_DEPTH)).plugins).toHaveLength(1);
  });

  it(`refuses a config nested ${MAX_CONFIG_DEPTH + 1} levels deep, saying so`, () => {
    expect(errorOf(() => parseNetworkConfigList(listNested(MAX_CONFIG_DEPTH + 1))).message).toBe(`network config is nested deeper than ${MAX_CONFIG_DEPTH} levels`);
  });

  it('finds the deep branch among shallow siblings, on either side', () => {
    const deep = nestedArrays(MAX_CONFIG_DEPTH);
    const text = JSON.stringify({ name: 'n', a: [1, [2]], plugins: [{ type: 'x' }], z: { deep }, y: null });
    expect(errorOf(() => parseNetworkConfigList(text)).code).toBe('CONFIG_INVALID');
  });
});

describe('parseNetworkConfigList: flags and versions', () => {
  it('reads every flag as false when it is absent', () => {
    expect(parseNetworkConfigList('{"name":"n","plugins":[{"type":"x"}]}')).toMatchObject({ disableCheck: false, disableGC: false, loadOnlyInlinedPlugins: false });
  });

  it('reads each flag from its own key', () => {
    const text = (key: string) => JSON.stringify({ name: 'n', plugins: [{ type: 'x' }], [key]: 'True' });
    expect(parseNetworkConfigList(text('loadOnlyInlinedPlugins'))).toMatchObject({ disableCheck: false, disableGC: false, loadOnlyInlinedPlugins: true });
    expect(parseNetworkConfigList(text('disableGC'))).toMatchObject({ disableCheck: false, disableGC: true, loadOnlyInlinedPlugins: false });
    expect(parseNetworkConfigList(text('disableCheck'))).toMatchObject({ disableCheck: true, disableGC: false, loadOnlyInlinedPlugins: false });
  });

  it.each([['xtrue'], ['truex'], ['false '], [['true']], [1]])('refuses the flag value %j', (value) => {
    const error = errorOf(() => parseNetworkConfigList(JSON.stringify({ name: 'n', plugins: [{ type: 'x' }], disableCheck: value })));
    expect(error.message).toBe(`invalid "disableCheck": ${JSON.stringify(value)} is neither a boolean nor "true"/"false"`);
  });

  it('refuses a cniVersion that is not a string, showing it', () => {
    expect(errorOf(() => parseNetworkConfigList('{"name":"n","cniVersion":1,"plugins":[{"type":"x"}]}')).message).toBe('invalid "cniVersion": expected a string, got 1');
  });

  it('refuses cniVersions that is not an array', () => {
    expect(errorOf(() => parseNetworkConfigList('{"name":"n","cniVersions":"1.0.0","plugins":[{"type":"x"}]}')).message).toBe('invalid "cniVersions": expected an array of strings');
  });

  it('takes the highest of cniVersions when cniVersion is absent, and keeps the list', () => {
    const parsed = parseNetworkConfigList(JSON.stringify({ name: 'n', cniVersions: ['0.3.1', '1.0.0', '0.4.0'], plugins: [{ type: 'x' }] }));
    expect(parsed.cniVersion).toBe('1.0.0');
    expect(parsed.cniVersions).toEqual(['0.3.1', '1.0.0', '0.4.0']);
  });

  it('does not count an absent cniVersion as 0.1.0 among cniVersions', () => {
    expect(parseNetworkConfigList(JSON.stringify({ name: 'n', cniVersions: ['0.0.9'], plugins: [{ type: 'x' }] })).cniVersion).toBe('0.0.9');
  });

  it('has no cniVersions field when the config has none', () => {
    expect('cniVersions' in parseNetworkConfigList('{"name":"n","plugins":[{"type":"x"}]}')).toBe(false);
  });
});

describe('parseNetworkConfigList: plugin issues', () => {
  it('paths each issue under its plugin index and joins the messages', () => {
    const error = errorOf(() => parseNetworkConfigList(JSON.stringify({ name: 'n', plugins: [{ type: 'a' }, { capabilities: { portMappings: 'yes' } }] })));
    const issues = error.details['issues'] as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(['plugins[1].type', 'plugins[1].capabilities.portMappings']);
    expect(error.message).toBe(`invalid plugin 1 (${issues.map((i) => i.message).join('; ')})`);
    expect(issues[0]!.message).toBe('missing "type"');
  });

  it('paths an issue about the whole plugin as plugins[i]', () => {
    const error = errorOf(() => parseNetworkConfigList(JSON.stringify({ name: 'n', plugins: [42] })));
    expect((error.details['issues'] as Array<{ path: string }>).map((i) => i.path)).toEqual(['plugins[0]']);
  });
});

describe('parseNetworkConfigList: parsed once per text', () => {
  const unique = (tag: string): string => JSON.stringify({ name: `n-${tag}`, plugins: [{ type: 'x', deep: { inner: [1] } }] });

  it('returns the same frozen list for the same text, frozen all the way down', () => {
    const text = unique('same');
    const first = parseNetworkConfigList(text);
    parseNetworkConfigList(unique('other'));
    expect(parseNetworkConfigList(text)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.plugins)).toBe(true);
    expect(Object.isFrozen(first.plugins[0])).toBe(true);
    expect(Object.isFrozen((first.plugins[0] as unknown as { deep: { inner: number[] } }).deep.inner)).toBe(true);
  });

  it('parses afresh, unfrozen, when the text comes with a source', () => {
    const text = unique('sourced');
    const first = parseNetworkConfigList(text, { file: FILE });
    const second = parseNetworkConfigList(text, { file: FILE });
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(Object.isFrozen(first)).toBe(false);
  });

  it('keeps the last 512 texts and drops the oldest first', () => {
    const kept = unique('kept');
    const first = parseNetworkConfigList(kept);
    for (let i = 0; i < 511; i++) parseNetworkConfigList(unique(`fill-a-${i}`));
    expect(parseNetworkConfigList(kept)).toBe(first);
    parseNetworkConfigList(unique('fill-b')); // the 513th: out goes the oldest, `kept`
    const again = parseNetworkConfigList(kept);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});

describe('single confs and conf files', () => {
  it('reads a conf without cniVersion', () => {
    expect(parsePluginConf('{"type":"bridge"}').conf).toEqual({ type: 'bridge' });
  });

  it('refuses a conf whose cniVersion is not a version, naming the field', () => {
    expect(errorOf(() => parsePluginConf('{"type":"bridge","cniVersion":"one"}')).message).toBe('invalid "cniVersion": "one" is not a CNI version');
  });

  it('says "missing type" (not "name it .conflist") for a conf with neither type nor plugins', () => {
    expect(errorOf(() => parsePluginConf('{"name":"n"}')).message).toBe('invalid plugin 0 (missing "type")');
  });

  it('reads a .conf with both type and plugins as one plugin conf', () => {
    const text = JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'bridge', plugins: [{ type: 'other' }] });
    expect(parsePluginConf(text).conf.type).toBe('bridge');
    const list = parseNetworkConfigFile(text, '/d/10.conf');
    expect(list.plugins.map((p) => p.type)).toEqual(['bridge']);
  });

  it('reads a .conflist as a list even when it also has a type', () => {
    expect(errorOf(() => parseNetworkConfigFile('{"name":"n","type":"bridge"}', '/d/10.conflist')).message).toBe('network config list "n" has no "plugins" key in /d/10.conflist');
  });

  it('names the .conf file in the messages of its conversion', () => {
    expect(errorOf(() => parseNetworkConfigFile('{"type":"bridge","cniVersion":"x"}', '/d/20.conf')).details['file']).toBe('/d/20.conf');
  });
});
