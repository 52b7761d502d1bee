/**
 * The result as libcni holds it once decoded: Go's IP printing, the struct of each result
 * version in its field order, omitempty, and the map form it takes once re-decoded.
 */
import { describe, expect, it } from 'vitest';
import type { CniResult } from '@multinet/cni-types';
import { formatJsonLikeGo } from './go-json.ts';
import { buildGoResult, flattenGoStruct, formatGoCidr, formatGoIp, GoStruct } from './go-result.ts';

/** The result struct as libcni would marshal it. */
const marshal = (result: Record<string, unknown>): string => formatJsonLikeGo(buildGoResult(result as unknown as CniResult));

describe('formatGoIp', () => {
  it('leaves an IPv4 address as it is', () => {
    expect(formatGoIp('10.1.2.3')).toBe('10.1.2.3');
    expect(formatGoIp('')).toBe('');
  });

  it('writes IPv6 in RFC 5952 form: lower case, zeros compressed', () => {
    expect(formatGoIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(formatGoIp('fd00:0:0:1::a')).toBe('fd00:0:0:1::a');
  });

  it('writes an IPv4-mapped IPv6 address as IPv4, byte by byte', () => {
    expect(formatGoIp('::ffff:102:304')).toBe('1.2.3.4');
    expect(formatGoIp('::FFFF:c0a8:fe01')).toBe('192.168.254.1');
    expect(formatGoIp('::ffff:10.20.30.40')).toBe('10.20.30.40');
  });

  it('keeps addresses that only contain a ::ffff: run as IPv6', () => {
    expect(formatGoIp('1::ffff:a:b')).toBe('1::ffff:a:b');
    expect(formatGoIp('::ffff:1:2:3')).toBe('::ffff:1:2:3');
    expect(formatGoIp('::ffff:1')).toBe('::ffff:1');
  });

  it('returns a string that is not an address unchanged', () => {
    expect(formatGoIp('not:an:address::zz')).toBe('not:an:address::zz');
  });
});

describe('formatGoCidr', () => {
  it('formats the address part and keeps the prefix, without masking the address', () => {
    expect(formatGoCidr('10.0.0.5/24')).toBe('10.0.0.5/24');
    expect(formatGoCidr('2001:0DB8:0:0::5/64')).toBe('2001:db8::5/64');
    expect(formatGoCidr('::ffff:102:304/120')).toBe('1.2.3.4/120');
  });

  it('leaves a value without a prefix as it is', () => {
    expect(formatGoCidr('FD00:0::1')).toBe('FD00:0::1');
  });
});

describe('buildGoResult', () => {
  it('decodes a 0.2.0 result into its struct: ip4, ip6 with routes, dns always present, unknown fields dropped', () => {
    const result = {
      extra: 'dropped',
      dns: { options: ['ndots:5'], search: [], domain: '', nameservers: ['8.8.8.8'] },
      ip6: { ip: '2001:0db8::2/64' },
      ip4: { routes: [{ dst: '0.0.0.0/0', mtu: 1400 }, { gw: '10.0.0.254', dst: '10.1.0.0/16' }], gateway: '10.0.0.1', ip: '10.0.0.2/24' },
      cniVersion: '0.2.0',
    };
    expect(marshal(result)).toBe(
      '{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1","routes":[{"dst":"0.0.0.0/0"},{"dst":"10.1.0.0/16","gw":"10.0.0.254"}]},"ip6":{"ip":"2001:db8::2/64"},"dns":{"nameservers":["8.8.8.8"],"options":["ndots:5"]}}',
    );
  });

  it('gives a bare 0.1.0 result only its version and an empty dns', () => {
    expect(marshal({ cniVersion: '0.1.0' })).toBe('{"cniVersion":"0.1.0","dns":{}}');
    expect(marshal({ cniVersion: '0.1.0', ip4: null, ip6: undefined, dns: null })).toBe('{"cniVersion":"0.1.0","dns":{}}');
  });

  it('decodes a 0.4.0 result with the IP version and interface index (0 kept), dropping 1.1 fields', () => {
    const result = {
      cniVersion: '0.4.0',
      dns: { domain: 'cluster.local', search: ['svc'] },
      routes: [{ gw: '2001:0db8::1', dst: '::/0', mtu: 1400, priority: 5 }],
      ips: [
        { gateway: '10.0.0.1', address: '10.0.0.2/24', interface: 0, version: '4' },
        { address: '2001:0db8::2/64', version: '6', gateway: '' },
        { address: '10.9.9.9/32', interface: 2 },
      ],
      interfaces: [{ sandbox: '/var/run/netns/x', mtu: 1500, mac: '0a:58:0a:00:00:02', name: 'eth0', socketPath: '/s', pciID: '0000:00:01.0' }, {}],
    };
    expect(marshal(result)).toBe(
      '{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","mac":"0a:58:0a:00:00:02","sandbox":"/var/run/netns/x"},{"name":""}],' +
        '"ips":[{"version":"4","interface":0,"address":"10.0.0.2/24","gateway":"10.0.0.1"},{"version":"6","address":"2001:db8::2/64"},{"version":"","interface":2,"address":"10.9.9.9/32"}],' +
        '"routes":[{"dst":"::/0","gw":"2001:db8::1"}],"dns":{"domain":"cluster.local","search":["svc"]}}',
    );
  });

  it('decodes a 1.0.0 result without IP versions and without the fields 1.1.0 added', () => {
    const result = {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0', mtu: 1500, socketPath: '/s', pciID: '0000:00:01.0', sandbox: '' }],
      ips: [{ version: '4', address: '10.0.0.2/24', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0', mtu: 1400, advmss: 1300, priority: 5, table: 100, scope: 253 }],
      dns: {},
    };
    expect(marshal(result)).toBe(
      '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"interface":0,"address":"10.0.0.2/24"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}',
    );
  });

  it('decodes a 1.1.0 result with the interface and route fields newer libcni has, in its order, omitting empty ones', () => {
    const result = {
      cniVersion: '1.1.0',
      interfaces: [
        { pciID: '0000:00:01.0', socketPath: '/run/vhost.sock', sandbox: '/var/run/netns/x', mtu: 9000, mac: '0a:58:0a:00:00:02', name: 'eth0' },
        { name: 'lo', mtu: 0, mac: '', sandbox: false, socketPath: null },
      ],
      routes: [
        { scope: 253, table: 100, priority: 5, advmss: 1300, mtu: 1400, gw: '10.0.0.1', dst: '10.1.0.0/16' },
        { dst: '0.0.0.0/0', mtu: 0, priority: 0, table: null },
      ],
      ips: [{ address: '::ffff:a00:2/120' }],
    };
    expect(marshal(result)).toBe(
      '{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mac":"0a:58:0a:00:00:02","mtu":9000,"sandbox":"/var/run/netns/x","socketPath":"/run/vhost.sock","pciID":"0000:00:01.0"},{"name":"lo"}],' +
        '"ips":[{"address":"10.0.0.2/120"}],' +
        '"routes":[{"dst":"10.1.0.0/16","gw":"10.0.0.1","mtu":1400,"advmss":1300,"priority":5,"table":100,"scope":253},{"dst":"0.0.0.0/0"}],"dns":{}}',
    );
  });

  it('leaves out empty interface, IP and route lists, and lists that are not arrays', () => {
    expect(marshal({ cniVersion: '1.0.0', interfaces: [], ips: [], routes: [] })).toBe('{"cniVersion":"1.0.0","dns":{}}');
    expect(marshal({ cniVersion: '0.3.1', interfaces: { name: 'eth0' }, ips: 'x', routes: 1 })).toBe('{"cniVersion":"0.3.1","dns":{}}');
  });

  it('writes a gateway and route gw the way Go prints IPs', () => {
    const result = { cniVersion: '1.0.0', ips: [{ address: '2001:db8:0:0::2/64', gateway: '2001:DB8:0:0::1' }], routes: [{ dst: '::/0', gw: '::ffff:a00:1' }] };
    expect(marshal(result)).toBe('{"cniVersion":"1.0.0","ips":[{"address":"2001:db8::2/64","gateway":"2001:db8::1"}],"routes":[{"dst":"::/0","gw":"10.0.0.1"}],"dns":{}}');
  });

  it('returns a Go struct whose nested values are structs too', () => {
    const built = buildGoResult({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }] } as unknown as CniResult);
    expect(built).toBeInstanceOf(GoStruct);
    expect((built.fields['interfaces'] as unknown[])[0]).toBeInstanceOf(GoStruct);
    expect(built.fields['dns']).toBeInstanceOf(GoStruct);
  });
});

describe('flattenGoStruct', () => {
  it('turns structs into plain maps at every level, so the encoder sorts their keys', () => {
    const built = buildGoResult({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0', mac: '0a:58:0a:00:00:02' }], ips: [{ address: '10.0.0.2/24', interface: 0 }] } as unknown as CniResult);
    const flat = flattenGoStruct(built);
    expect(flat).not.toBeInstanceOf(GoStruct);
    expect(flat).toEqual({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0', mac: '0a:58:0a:00:00:02' }], ips: [{ interface: 0, address: '10.0.0.2/24' }], dns: {} });
    expect(formatJsonLikeGo(flat)).toBe('{"cniVersion":"1.0.0","dns":{},"interfaces":[{"mac":"0a:58:0a:00:00:02","name":"eth0"}],"ips":[{"address":"10.0.0.2/24","interface":0}]}');
  });

  it('returns scalars as they are and maps arrays element by element', () => {
    expect(flattenGoStruct('x')).toBe('x');
    expect(flattenGoStruct(null)).toBeNull();
    expect(flattenGoStruct([new GoStruct({ b: 1, a: 2 }), 3])).toEqual([{ b: 1, a: 2 }, 3]);
  });
});
