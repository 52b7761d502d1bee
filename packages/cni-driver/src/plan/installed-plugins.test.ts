import { describe, expect, it } from 'vitest';
import type { PlannedAttachment } from '../attach/attachment.ts';
import { requireInstalledPlugins } from './installed-plugins.ts';

const attachment = (network: string, ifName: string, types: string[]): PlannedAttachment => ({
  network,
  networkName: network,
  ifName,
  isDefault: ifName === 'eth0',
  configText: JSON.stringify({ cniVersion: '1.0.0', name: network, plugins: types.map((type) => ({ type })) }),
  cniVersion: '1.0.0',
  cniArgs: [],
  capabilityArgs: {},
  source: 'conf',
});
const installed = (...names: string[]) => ({ plugins: new Map(names.map((name) => [name, { name, path: `/opt/cni/bin/${name}` }])) });

describe('requireInstalledPlugins', () => {
  it('passes when every plugin of every new attachment is installed', () => {
    expect(() => requireInstalledPlugins([attachment('a', 'eth0', ['bridge', 'portmap'])], undefined, installed('bridge', 'portmap'))).not.toThrow();
  });

  it('refuses a new attachment with a plugin that is not installed, naming network, interface and plugin', () => {
    expect(() => requireInstalledPlugins([attachment('a', 'eth0', ['bridge']), attachment('b', 'eth1', ['bridge', 'tuning'])], undefined, installed('bridge'))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_NOT_FOUND', message: expect.stringMatching(/network "b" \(interface eth1\) needs plugin "tuning"/), details: expect.objectContaining({ plugin: 'tuning', network: 'b', ifName: 'eth1' }) }),
    );
  });

  it('leaves an attachment already made alone, even if its plugin is gone for now', () => {
    const made = attachment('a', 'eth0', ['gone']);
    expect(() => requireInstalledPlugins([made], [made], installed())).not.toThrow();
    // The same network on the same interface with other config bytes is a new attachment.
    expect(() => requireInstalledPlugins([attachment('a', 'eth0', ['gone', 'tuning'])], [made], installed('tuning'))).toThrow(expect.objectContaining({ code: 'PLUGIN_NOT_FOUND' }));
  });
});
