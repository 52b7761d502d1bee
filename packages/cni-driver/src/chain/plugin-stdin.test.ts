/**
 * A chained plugin's stdin, byte for byte as libcni's buildOneConfig makes it.
 */
import { describe, expect, it } from 'vitest';
import { parseNetworkConfigList, type CniResult, type PluginConf } from '@multinet/cni-types';
import { buildPluginStdin, selectRuntimeConfig } from './plugin-stdin.ts';

const list = parseNetworkConfigList(
  JSON.stringify({
    cniVersion: '1.0.0',
    name: 'net<1>',
    plugins: [
      { type: 'bridge', name: 'ignored', cniVersion: '0.3.1', zeta: { b: 1, a: 2 }, alpha: 'x&y' },
      { type: 'portmap', capabilities: { portMappings: true, bandwidth: false, ips: true } },
    ],
  }),
);
const [bridge, portmap] = list.plugins as [PluginConf, PluginConf];

const prevResult = {
  cniVersion: '1.0.0',
  interfaces: [{ name: 'eth0', mac: '0a:58:0a:00:00:02' }],
  ips: [{ address: '10.0.0.2/24', interface: 0 }],
} as unknown as CniResult;

describe('selectRuntimeConfig', () => {
  it('keeps only the capabilities the plugin enables and the runtime supplies', () => {
    expect(selectRuntimeConfig(portmap, { portMappings: [{ hostPort: 80 }], bandwidth: { ingressRate: 1 }, other: 1 })).toEqual({ portMappings: [{ hostPort: 80 }] });
  });

  it('is empty for a plugin without capabilities, and without capability args', () => {
    expect(selectRuntimeConfig(bridge, { portMappings: [] })).toEqual({});
    expect(selectRuntimeConfig(portmap)).toEqual({});
  });

  it('takes only the runtime args own keys, never inherited ones', () => {
    const plugin = { type: 'x', capabilities: { toString: true, hasOwnProperty: true } } as unknown as PluginConf;
    expect(selectRuntimeConfig(plugin, {})).toEqual({});
  });
});

describe('buildPluginStdin', () => {
  it('writes the plugin conf as a Go map with the list name and version, keys sorted and HTML-escaped', () => {
    expect(buildPluginStdin(list, bridge)).toBe('{"alpha":"x\\u0026y","cniVersion":"1.0.0","name":"net\\u003c1\\u003e","type":"bridge","zeta":{"a":2,"b":1}}');
  });

  it('adds prevResult as the result struct, in Go field order', () => {
    expect(buildPluginStdin(list, bridge, { prevResult })).toBe(
      '{"alpha":"x\\u0026y","cniVersion":"1.0.0","name":"net\\u003c1\\u003e","prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"0a:58:0a:00:00:02"}],"ips":[{"interface":0,"address":"10.0.0.2/24"}],"dns":{}},"type":"bridge","zeta":{"a":2,"b":1}}',
    );
  });

  it('with runtimeConfig injected, sorts the prevResult keys too, as libcni re-decodes it into maps', () => {
    const stdin = buildPluginStdin(list, portmap, { prevResult, capabilityArgs: { portMappings: [{ protocol: 'tcp', hostPort: 80 }], bandwidth: { rate: 1 } } });
    expect(stdin).toBe(
      '{"capabilities":{"bandwidth":false,"ips":true,"portMappings":true},"cniVersion":"1.0.0","name":"net\\u003c1\\u003e",' +
        '"prevResult":{"cniVersion":"1.0.0","dns":{},"interfaces":[{"mac":"0a:58:0a:00:00:02","name":"eth0"}],"ips":[{"address":"10.0.0.2/24","interface":0}]},' +
        '"runtimeConfig":{"portMappings":[{"hostPort":80,"protocol":"tcp"}]},"type":"portmap"}',
    );
  });

  it('leaves runtimeConfig out when the plugin declares none of the offered capabilities, and keeps prevResult in struct order', () => {
    const stdin = buildPluginStdin(list, portmap, { prevResult, capabilityArgs: { bandwidth: { rate: 1 } } });
    expect(JSON.parse(stdin)).not.toHaveProperty('runtimeConfig');
    expect(stdin).toContain('"prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"0a:58:0a:00:00:02"}]');
  });

  it('adds runtimeConfig without prevResult when there is no previous result', () => {
    const stdin = JSON.parse(buildPluginStdin(list, portmap, { capabilityArgs: { ips: ['10.0.0.9/24'] } }));
    expect(stdin).not.toHaveProperty('prevResult');
    expect(stdin.runtimeConfig).toEqual({ ips: ['10.0.0.9/24'] });
  });

  it('does not change the plugin conf it was given', () => {
    buildPluginStdin(list, portmap, { prevResult, capabilityArgs: { ips: ['10.0.0.9/24'] } });
    expect(portmap).not.toHaveProperty('prevResult');
    expect(portmap).not.toHaveProperty('runtimeConfig');
    expect(portmap).not.toHaveProperty('name');
  });
});
