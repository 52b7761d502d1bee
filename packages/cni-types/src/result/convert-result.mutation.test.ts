import { describe, expect, it } from 'vitest';
import { convertResult, listResultInterfaces, listResultIps, parseResult, resultFamily } from './convert-result.ts';
import type { CniResult } from './result-schemas.ts';
import { errorOf } from '../../../../test/support/cni-error.ts';

/** The CniError a call throws. */
describe('resultFamily', () => {
  it('refuses a version it does not know, naming it', () => {
    expect(errorOf(() => resultFamily('2.0.0'))).toMatchObject({
      code: 'VERSION_UNSUPPORTED',
      message: 'unsupported CNI result version "2.0.0"',
      details: { versions: { wanted: '2.0.0' } },
    });
  });
});

describe('parseResult', () => {
  it.each([['text'], [['a']], [null], [7]])('refuses %j as not a JSON object, naming the source', (value) => {
    expect(errorOf(() => parseResult(value, { cniVersion: '1.0.0', source: 'bridge' }))).toMatchObject({ code: 'RESULT_INVALID', message: 'result from bridge is not a JSON object' });
  });

  it('names no source when it has none', () => {
    expect(errorOf(() => parseResult('text', { cniVersion: '1.0.0' })).message).toBe('result is not a JSON object');
  });

  it("gives a result with an empty or missing cniVersion the config's version", () => {
    expect(parseResult({ cniVersion: '', ips: [{ address: '10.0.0.2/24' }] }, { cniVersion: '1.0.0' }).cniVersion).toBe('1.0.0');
    expect(parseResult({ ips: [] }, { cniVersion: '0.4.0' }).cniVersion).toBe('0.4.0');
    expect(parseResult({ cniVersion: '0.3.1', ips: [] }, { cniVersion: '1.0.0' }).cniVersion).toBe('0.3.1');
  });

  it('lists every schema issue with its path in the message and the details', () => {
    const error = errorOf(() => parseResult({ cniVersion: '1.0.0', ips: [{ address: 5 }], routes: 'x' }, { cniVersion: '1.0.0', source: 'ptp' }));
    const issues = error.details['issues'] as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(['ips[0].address', 'routes']);
    expect(error.message).toBe(`result from ptp is not a valid 1.0.0 result: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  });
});

describe('convertResult: what each direction keeps', () => {
  it('converts a 0.2.0 result with only an IPv6 up, keeping its DNS and no interfaces', () => {
    const converted = convertResult({ cniVersion: '0.2.0', ip6: { ip: 'fd00::2/64', routes: [{ dst: '::/0' }] }, dns: { nameservers: ['fd00::53'] } }, '1.0.0');
    expect(converted).toEqual({ cniVersion: '1.0.0', ips: [{ address: 'fd00::2/64' }], routes: [{ dst: '::/0' }], dns: { nameservers: ['fd00::53'] } });
  });

  it('converts a 0.2.0 result with only an IPv4 to 0.4.0', () => {
    expect(convertResult({ cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1' } }, '0.4.0')).toEqual({
      cniVersion: '0.4.0',
      ips: [{ version: '4', address: '10.0.0.2/24', gateway: '10.0.0.1' }],
    });
  });

  it('keeps the DNS of a 1.0.0 result converted down to 0.2.0, and takes the IPv4 even when an IPv6 comes first', () => {
    const result: CniResult = { cniVersion: '1.0.0', ips: [{ address: 'fd00::2/64' }, { address: '10.0.0.2/24' }], dns: { domain: 'cluster.local' } };
    expect(convertResult(result, '0.2.0')).toEqual({ cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24' }, ip6: { ip: 'fd00::2/64' }, dns: { domain: 'cluster.local' } });
  });

  it('fails down to 0.2.0 without an IP, naming the version', () => {
    expect(errorOf(() => convertResult({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }] }, '0.2.0'))).toMatchObject({
      code: 'RESULT_CONVERSION_FAILED',
      message: 'cannot convert result to 0.2.0: no valid IP addresses',
      details: { versions: { wanted: '0.2.0' } },
    });
  });

  it('only relabels a result within its family, keeping fields plugins added', () => {
    const result = { cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }], interfaces: [{ name: 'eth0', mtu: 1400 }], custom: { x: 1 } } as CniResult;
    expect(convertResult(result, '1.1.0')).toEqual({ ...result, cniVersion: '1.1.0' });
  });

  it('gives 1.x IPs no version field when converting up from 0.4.0', () => {
    const converted = convertResult({ cniVersion: '0.4.0', ips: [{ version: '4', address: '10.0.0.2/24', interface: 0 }], interfaces: [{ name: 'eth0' }] }, '1.0.0');
    expect(converted).toEqual({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24', interface: 0 }], interfaces: [{ name: 'eth0' }] });
  });
});

describe('results without interfaces', () => {
  it('gives a 1.0.0 result without interfaces none when converted to 0.4.0, and lists none', () => {
    const result: CniResult = { cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] };
    expect(convertResult(result, '0.4.0')).toEqual({ cniVersion: '0.4.0', ips: [{ version: '4', address: '10.0.0.2/24' }] });
    expect(listResultInterfaces(result)).toEqual([]);
  });
});

describe('listing IPs and interfaces', () => {
  const result: CniResult = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'br0' }, { name: 'eth0', sandbox: '/var/run/netns/p' }],
    ips: [{ address: '10.0.0.2/24', interface: 1, gateway: '10.0.0.1' }, { address: 'fd00::2/64' }],
  };

  it('names the interface and sandbox of each IP that points at one', () => {
    expect(listResultIps(result)).toEqual([
      { address: '10.0.0.2/24', gateway: '10.0.0.1', family: 4, interfaceName: 'eth0', interfaceSandbox: '/var/run/netns/p' },
      { address: 'fd00::2/64', family: 6 },
    ]);
  });

  it('lists the interfaces of a result, and none of a 0.2.0 one', () => {
    expect(listResultInterfaces(result)).toEqual([{ name: 'br0' }, { name: 'eth0', sandbox: '/var/run/netns/p' }]);
    expect(listResultInterfaces({ cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24' } })).toEqual([]);
  });
});
