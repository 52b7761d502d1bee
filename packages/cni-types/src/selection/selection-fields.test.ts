import { describe, expect, it } from 'vitest';
import { ipFamily, isHardwareAddress, isDnsLabel } from './selection-fields.ts';

describe('selection field checks', () => {
  it.each([
    ['10.250.90.1', 4],
    ['::', 6],
    ['2001:db8::5', 6],
    ['::ffff:10.1.2.3', 6],
    ['fe80:0:0:0:0:0:0:1', 6],
  ])('reads %s as IPv%i', (ip, family) => {
    expect(ipFamily(ip)).toBe(family);
  });

  it.each(['10.250.90', '256.1.1.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0', '', 'x'])('refuses %j as an IP', (ip) => {
    expect(ipFamily(ip)).toBeUndefined();
  });

  it.each(['02:00:00:00:00:05', '02-00-00-00-00-05', '0200.0000.0005', '24:8a:07:03:00:8d:ae:2f'])('accepts the hardware address %s as Go ParseMAC does', (mac) => {
    expect(isHardwareAddress(mac)).toBe(true);
  });

  it.each(['02:00:00:00:00', '02:00-00:00:00:05', '0g:00:00:00:00:05', '020000000005'])('refuses the hardware address %s', (mac) => {
    expect(isHardwareAddress(mac)).toBe(false);
  });

  it('holds names to DNS-1123 labels', () => {
    expect(isDnsLabel('db-net1')).toBe(true);
    expect(isDnsLabel('Db')).toBe(false);
    expect(isDnsLabel('-a')).toBe(false);
    expect(isDnsLabel('a'.repeat(64))).toBe(false);
  });
});
