import { describe, expect, it } from 'vitest';
import { buildPluginEnv } from './plugin-env.ts';
import { validatePluginType } from './plugin-path.ts';

describe('buildPluginEnv', () => {
  it('keeps the base env and sets all six CNI variables, overriding inherited ones', () => {
    const env = buildPluginEnv(
      { command: 'ADD', containerId: 'c1', netns: '/ns', ifName: 'eth0', args: [['A', '1'], ['B', '2']], pluginDirs: ['/a', '/b'] },
      { PATH: '/usr/bin', CNI_COMMAND: 'DEL', CNI_IFNAME: 'evil', UNSET: undefined },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/ns',
      CNI_ARGS: 'A=1;B=2',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/a:/b',
    });
  });

  it('sets empty values rather than leaving variables out (GC, STATUS)', () => {
    expect(buildPluginEnv({ command: 'GC', pluginDirs: ['/a'] }, {})).toMatchObject({ CNI_CONTAINERID: '', CNI_NETNS: '', CNI_IFNAME: '', CNI_ARGS: '' });
  });

  it('leaves out base variables that are unset rather than passing them empty', () => {
    const env = buildPluginEnv({ command: 'ADD', pluginDirs: ['/a'] }, { PATH: '/usr/bin', UNSET: undefined });
    expect(Object.keys(env)).not.toContain('UNSET');
  });

  it('refuses CNI_ARGS that would not parse back, with CNI_ARGS_INVALID', () => {
    expect(() => buildPluginEnv({ command: 'ADD', args: [['A', 'x;y']], pluginDirs: ['/a'] }, {})).toThrow(expect.objectContaining({ code: 'CNI_ARGS_INVALID' }));
  });

  it('gives VERSION the dummy values old plugins need', () => {
    expect(buildPluginEnv({ command: 'VERSION', pluginDirs: ['/a'] }, {})).toMatchObject({ CNI_NETNS: 'dummy', CNI_IFNAME: 'dummy', CNI_PATH: 'dummy' });
  });
});

describe('validatePluginType', () => {
  it.each(['', '.', '../x', 'a/b', '/usr/bin/sh', 'x..y', 'a\\b'])('refuses %j before anything runs', (type) => {
    expect(() => validatePluginType(type, { file: '/etc/cni/net.d/10.conflist' })).toThrow(
      expect.objectContaining({ code: 'PLUGIN_TYPE_INVALID', message: expect.stringContaining('/etc/cni/net.d/10.conflist') }),
    );
  });

  it('accepts a file name', () => {
    expect(() => validatePluginType('host-local')).not.toThrow();
  });
});
