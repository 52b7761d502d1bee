import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CNI_VERSIONS } from '../version/cni-version.ts';
import { convertResult, listResultIps, parseResult, resultFamily } from './convert-result.ts';
import type { CniResult } from './result-schemas.ts';

const SAMPLES: Record<string, CniResult> = {
  '020': { cniVersion: '0.2.0', ip4: { ip: '10.250.1.2/24', gateway: '10.250.1.1', routes: [{ dst: '0.0.0.0/0', gw: '10.250.1.1' }] }, ip6: { ip: 'fd00:250::2/64' }, dns: { nameservers: ['10.250.1.53'] } },
  '040': {
    cniVersion: '0.4.0',
    interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', sandbox: '/var/run/netns/x' }],
    ips: [{ version: '4', interface: 0, address: '10.250.1.2/24', gateway: '10.250.1.1' }, { version: '6', interface: 0, address: 'fd00:250::2/64' }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.250.1.1' }, { dst: '::/0' }],
    dns: {},
  },
  '100': {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', sandbox: '/var/run/netns/x', mtu: 1400, pciID: '0000:00:01.0' }],
    ips: [{ interface: 0, address: '10.250.1.2/24', gateway: '10.250.1.1' }, { interface: 0, address: 'fd00:250::2/64' }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.250.1.1', mtu: 1400 }],
    dns: {},
  },
};

const sampleAt = (version: string): CniResult => ({ ...SAMPLES[resultFamily(version)]!, cniVersion: version });

describe('convertResult', () => {
  for (const from of CNI_VERSIONS) {
    for (const to of CNI_VERSIONS) {
      it(`converts a ${from} result to ${to} keeping the first IPv4 and IPv6`, () => {
        const converted = convertResult(sampleAt(from), to);
        expect(converted.cniVersion).toBe(to);
        const ips = listResultIps(converted).map((ip) => ip.address);
        expect(ips).toContain('10.250.1.2/24');
        expect(ips).toContain('fd00:250::2/64');
        // The result is valid for its own version.
        expect(() => parseResult(converted, { cniVersion: to })).not.toThrow();
      });
    }
  }

  it('computes ip "version" going from 1.x to 0.4.0 and drops mtu, pciID', () => {
    const converted = convertResult(SAMPLES['100']!, '0.4.0') as Record<string, any>;
    expect(converted['ips'].map((ip: { version: string }) => ip.version)).toEqual(['4', '6']);
    expect(converted['interfaces'][0]).toEqual({ name: 'eth0', mac: '02:00:00:00:00:01', sandbox: '/var/run/netns/x' });
  });

  it('splits routes by family when going down to 0.2.0', () => {
    const converted = convertResult(SAMPLES['040']!, '0.2.0') as Record<string, any>;
    expect(converted['ip4'].routes).toEqual([{ dst: '0.0.0.0/0', gw: '10.250.1.1' }]);
    expect(converted['ip6'].routes).toEqual([{ dst: '::/0' }]);
  });

  it('moves 0.2.0 routes top-level and has no interfaces going up', () => {
    const converted = convertResult(SAMPLES['020']!, '1.0.0') as Record<string, any>;
    expect(converted['routes']).toEqual([{ dst: '0.0.0.0/0', gw: '10.250.1.1' }]);
    expect(converted['interfaces']).toBeUndefined();
  });

  it('fails the lossy down-conversion when there is no IP', () => {
    expect(() => convertResult({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }] }, '0.2.0')).toThrow(
      expect.objectContaining({ code: 'RESULT_CONVERSION_FAILED', message: expect.stringContaining('no valid IP addresses') }),
    );
  });

  it('keeps the first IPv4 and IPv6 through an up-then-down round trip (property)', () => {
    const ipv4 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.250.${a}.${b}/24`);
    fc.assert(
      fc.property(fc.array(ipv4, { minLength: 1, maxLength: 5 }), fc.constantFrom(...CNI_VERSIONS), (addresses, up) => {
        const start: CniResult = { cniVersion: '1.1.0', ips: addresses.map((address) => ({ address })) };
        const back = convertResult(convertResult(start, up), '0.2.0') as { ip4?: { ip: string } };
        expect(back.ip4?.ip).toBe(addresses[0]);
      }),
    );
  });
});

describe('parseResult', () => {
  it('injects the config version when the result has none (cni#895)', () => {
    expect(parseResult({ ips: [{ address: '10.250.1.2/24' }] }, { cniVersion: '1.0.0' }).cniVersion).toBe('1.0.0');
  });

  it('checks a result against the schema of its own version and names the source', () => {
    expect(() => parseResult({ cniVersion: '0.4.0', ips: [{ address: '10.250.1.2/24' }] }, { cniVersion: '0.4.0', source: 'plugin type="x"' })).toThrow(
      expect.objectContaining({ code: 'RESULT_INVALID', message: expect.stringContaining('plugin type="x"') }),
    );
  });

  it('refuses an unknown result version', () => {
    expect(() => parseResult({ cniVersion: '9.9.9' }, { cniVersion: '1.0.0' })).toThrow(expect.objectContaining({ code: 'VERSION_UNSUPPORTED' }));
  });

  it('refuses null and arrays', () => {
    expect(() => parseResult(null, { cniVersion: '1.0.0' })).toThrow(expect.objectContaining({ code: 'RESULT_INVALID' }));
    expect(() => parseResult([], { cniVersion: '1.0.0' })).toThrow(expect.objectContaining({ code: 'RESULT_INVALID' }));
  });

  it('keeps fields a plugin added', () => {
    expect(parseResult({ cniVersion: '1.0.0', vendor: { x: 1 } }, { cniVersion: '1.0.0' })).toMatchObject({ vendor: { x: 1 } });
  });
});
