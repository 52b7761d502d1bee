import { describe, expect, it } from 'vitest';
import { buildCacheRecord, parseCacheRecord } from './cache-record.ts';
import { errorOf } from '../../../../test/support/cni-error.ts';

const FILE = '/var/lib/cni/results/net-c1-eth0';
const base = { containerId: 'c1', configText: '{"name":"n"}', ifName: 'eth0', networkName: 'net' };

/** The CniError a call throws. */
const v1 = (fields: Record<string, unknown>) => JSON.stringify({ kind: 'cniCacheV1', containerId: 'c1', config: btoa('{}'), ifName: 'eth0', networkName: 'net', ...fields });

describe('buildCacheRecord: every optional field, in libcni order', () => {
  it('writes netns, cniArgs, capabilityArgs and result when they hold something', () => {
    const text = buildCacheRecord({ ...base, netns: '/var/run/netns/p', cniArgs: [['IgnoreUnknown', 'true']], capabilityArgs: { mac: '02:00:00:00:00:01' }, result: { cniVersion: '1.0.0' } });
    const record = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['kind', 'containerId', 'config', 'ifName', 'networkName', 'netns', 'cniArgs', 'capabilityArgs', 'result']);
    expect(record).toMatchObject({ netns: '/var/run/netns/p', cniArgs: [['IgnoreUnknown', 'true']], capabilityArgs: { mac: '02:00:00:00:00:01' }, result: { cniVersion: '1.0.0' } });
  });

  it('leaves an empty netns out, like Go omitempty', () => {
    expect(Object.keys(JSON.parse(buildCacheRecord({ ...base, netns: '' })) as object)).toEqual(['kind', 'containerId', 'config', 'ifName', 'networkName']);
  });
});

describe('parseCacheRecord: what it refuses', () => {
  it('says a file that is not JSON is not valid JSON, naming it', () => {
    const error = errorOf(() => parseCacheRecord('{', FILE));
    expect(error).toMatchObject({ code: 'CACHE_INVALID', message: `cache file ${FILE} is not valid JSON`, details: { file: FILE } });
    expect(errorOf(() => parseCacheRecord('{')).message).toBe('cache file is not valid JSON');
  });

  it('refuses a v1 record whose config is not base64 of UTF-8, naming the file', () => {
    const notUtf8 = v1({ config: btoa(String.fromCharCode(0xff, 0xfe)) });
    expect(errorOf(() => parseCacheRecord(notUtf8, FILE))).toMatchObject({ code: 'CACHE_INVALID', message: `cache file ${FILE} has a "config" that is not base64 UTF-8`, details: { file: FILE } });
    expect(errorOf(() => parseCacheRecord(v1({ config: '%%%' }))).message).toBe('cache file has a "config" that is not base64 UTF-8');
  });

  it.each([
    ['a record of another kind', '{"kind":"cniCacheV2","cniVersion":"1.0.0"}'],
    ['a v1 record missing a field', '{"kind":"cniCacheV1","containerId":"c1"}'],
    ['an array', '[{"cniVersion":"1.0.0"}]'],
    ['null', 'null'],
    ['a number', '42'],
  ])('refuses %s as neither form, naming the file', (_, text) => {
    expect(errorOf(() => parseCacheRecord(text, FILE))).toMatchObject({
      code: 'CACHE_INVALID',
      message: `cache file ${FILE} is neither a cniCacheV1 record nor a legacy result`,
      details: { file: FILE },
    });
  });

  it('leaves the file out of the message when it has none', () => {
    expect(errorOf(() => parseCacheRecord('[]')).message).toBe('cache file is neither a cniCacheV1 record nor a legacy result');
  });

  it('reads a v1 record with its optional fields', () => {
    const parsed = parseCacheRecord(v1({ netns: '/ns', cniArgs: [['A', 'b']], capabilityArgs: { x: 1 }, result: { cniVersion: '1.0.0' } }));
    expect(parsed).toMatchObject({ kind: 'v1', configText: '{}', record: { netns: '/ns', cniArgs: [['A', 'b']], capabilityArgs: { x: 1 }, result: { cniVersion: '1.0.0' } } });
  });
});
