import { describe, expect, it } from 'vitest';
import { buildCacheRecord, parseCacheRecord } from './cache-record.ts';
import { parseVersionResult } from '../result/plugin-answers.ts';

describe('libcni cache records', () => {
  it('round-trips a record with the config as base64 of its UTF-8 bytes', () => {
    const configText = '{"name":"nét","plugins":[{"type":"bridge"}]}';
    const text = buildCacheRecord({ containerId: 'c1', configText, ifName: 'eth0', networkName: 'net', netns: '/ns', cniArgs: [['A', '1']], result: { cniVersion: '1.0.0' } });
    expect(JSON.parse(text)).toMatchObject({ kind: 'cniCacheV1', containerId: 'c1', config: Buffer.from(configText).toString('base64'), ifName: 'eth0' });
    const parsed = parseCacheRecord(text);
    expect(parsed.kind === 'v1' && parsed.configText).toBe(configText);
  });

  it('leaves empty optional fields out, like Go omitempty', () => {
    const record = JSON.parse(buildCacheRecord({ containerId: 'c', configText: '{}', ifName: 'eth0', networkName: 'n', cniArgs: [], capabilityArgs: {} }));
    expect(Object.keys(record)).toEqual(['kind', 'containerId', 'config', 'ifName', 'networkName']);
  });

  it('reads the legacy form (a raw result)', () => {
    expect(parseCacheRecord('{"cniVersion":"0.3.1","ips":[]}')).toEqual({ kind: 'legacy', result: { cniVersion: '0.3.1', ips: [] } });
  });

  it('refuses a torn file with CACHE_INVALID naming it', () => {
    expect(() => parseCacheRecord('{"kind":"cniCacheV1","conf', '/var/lib/cni/results/x')).toThrow(
      expect.objectContaining({ code: 'CACHE_INVALID', message: expect.stringContaining('/var/lib/cni/results/x') }),
    );
  });
});

describe('parseVersionResult', () => {
  it('applies libcni fallbacks for plugins that answer 0.2.0 without supportedVersions', () => {
    expect(parseVersionResult({ cniVersion: '0.2.0' }).supportedVersions).toEqual(['0.1.0', '0.2.0']);
  });

  it('refuses an answer without cniVersion or supportedVersions', () => {
    expect(() => parseVersionResult({ supportedVersions: ['1.0.0'] })).toThrow(expect.objectContaining({ code: 'PLUGIN_OUTPUT_INVALID' }));
    expect(() => parseVersionResult({ cniVersion: '1.0.0' })).toThrow(expect.objectContaining({ code: 'PLUGIN_OUTPUT_INVALID' }));
  });
});
