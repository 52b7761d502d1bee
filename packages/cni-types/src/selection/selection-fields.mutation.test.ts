import { describe, expect, it } from 'vitest';
import { isCniError } from '../errors.ts';
import {
  describeJson,
  isDnsLabel,
  isDnsSubdomain,
  isHardwareAddress,
  isIPv4,
  isIPv6,
  parseJsonText,
  readBoolean,
  readObject,
  readString,
  validateDnsLabel,
  validateIfName,
  validateIpRequest,
} from './selection-fields.ts';

const WHERE = 'annotation k8s.v1.cni.cncf.io/networks';

/** The code, message and issues of the CniError a call throws. */
function failureOf(call: () => unknown): { code: string; message: string; issues: unknown } {
  try {
    call();
  } catch (error) {
    if (!isCniError(error)) throw error;
    return { code: error.code, message: error.message, issues: error.details.issues };
  }
  throw new Error('expected a CniError, got a value');
}

describe('DNS names', () => {
  it('accepts a label of 63 characters and refuses one of 64', () => {
    expect(isDnsLabel('a'.repeat(63))).toBe(true);
    expect(isDnsLabel('a'.repeat(64))).toBe(false);
  });

  it('accepts a subdomain of 253 characters and refuses one of 254', () => {
    const of = (length: number): string => `${'a'.repeat(61)}.`.repeat(5).slice(0, length - 1) + 'a';
    expect(of(253)).toHaveLength(253);
    expect(isDnsSubdomain(of(253))).toBe(true);
    expect(isDnsSubdomain(`${of(253)}a`)).toBe(false);
  });

  it('says what a DNS-1123 label is when it refuses one', () => {
    expect(failureOf(() => validateDnsLabel(WHERE, '[0].namespace', 'Bad_NS'))).toEqual({
      code: 'SELECTION_INVALID',
      message: `invalid ${WHERE}: [0].namespace: "Bad_NS" is not a DNS-1123 label (lower case alphanumerics and "-", starting and ending alphanumeric, at most 63)`,
      issues: [{ path: '[0].namespace', message: '"Bad_NS" is not a DNS-1123 label (lower case alphanumerics and "-", starting and ending alphanumeric, at most 63)' }],
    });
    expect(validateDnsLabel(WHERE, '[0].namespace', 'ok-ns')).toBe('ok-ns');
  });
});

describe('validateIfName', () => {
  it.each([
    ['', 'is empty'],
    ['a'.repeat(16), 'is longer than 15 bytes'],
    ['é'.repeat(8), 'is longer than 15 bytes'],
    ['.', 'is "." or ".."'],
    ['..', 'is "." or ".."'],
    ['net/1', 'contains "/", ":" or whitespace'],
    ['net:1', 'contains "/", ":" or whitespace'],
    ['net 1', 'contains "/", ":" or whitespace'],
  ])('refuses %j because it %s, naming the field', (name, why) => {
    expect(failureOf(() => validateIfName(WHERE, '[1].interface', name))).toEqual({
      code: 'INTERFACE_NAME_INVALID',
      message: `invalid ${WHERE}: [1].interface: interface name ${JSON.stringify(name)} ${why}`,
      issues: [{ path: '[1].interface', message: why }],
    });
  });

  it.each([['a'.repeat(15)], ['...'], ['.a'], ['net1']])('accepts %j', (name) => {
    expect(validateIfName(WHERE, 'f', name)).toBe(name);
  });
});

describe('IP addresses', () => {
  it.each([['10.0.0.1'], ['255.255.255.255'], ['0.0.0.0']])('reads %s as IPv4', (ip) => {
    expect(isIPv4(ip)).toBe(true);
  });

  it.each([['256.0.0.1'], ['1.2.3'], ['1.2.3.4.5'], ['a1.2.3.4'], ['1.2.3.4a'], ['1.2.3.1234'], ['1.2.3.']])('refuses %s as IPv4', (ip) => {
    expect(isIPv4(ip)).toBe(false);
  });

  it.each([['::'], ['::1'], ['fe80::1'], ['1:2:3:4:5:6:7:8'], ['1:2:3:4:5:6::'], ['1::2:3:4:5:6:7'], ['::ffff:10.0.0.1'], ['1:2:3:4:5:6:1.2.3.4'], ['1:2:3:4:5::1.2.3.4']])('reads %s as IPv6', (ip) => {
    expect(isIPv6(ip)).toBe(true);
  });

  it.each([
    ['10.0.0.1'],
    ['abcd'],
    ['1::2::3'],
    ['1:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:8:9'],
    ['1:2:3:4:5:6:7::8'],
    ['1:2:3:4:5:6:7:1.2.3.4'],
    ['1:2:3:4:5:6::1.2.3.4'],
    ['::ffff:300.0.0.1'],
    ['12345::'],
    ['g::1'],
    [':1:2:3:4:5:6:7'],
  ])('refuses %s as IPv6', (ip) => {
    expect(isIPv6(ip)).toBe(false);
  });
});

describe('validateIpRequest', () => {
  it.each([['10.1.1.1/24'], ['10.1.1.1/32'], ['10.1.1.1/0'], ['fd00::1/128'], ['fd00::1/64'], ['10.1.1.1'], ['fd00::1']])('accepts %s', (value) => {
    expect(validateIpRequest(WHERE, '[0].ips[0]', value)).toBe(value);
  });

  it.each([['10.1.1.1/33'], ['fd00::1/129'], ['10.1.1.1/24/1'], ['10.1.1.1/'], ['10.1.1.1/a24'], ['10.1.1.1/24a'], ['10.1.1.1/1000'], ['x/24']])('refuses the CIDR %s', (value) => {
    expect(failureOf(() => validateIpRequest(WHERE, '[0].ips[0]', value))).toMatchObject({
      code: 'SELECTION_INVALID',
      issues: [{ path: '[0].ips[0]', message: `failed to parse CIDR ${JSON.stringify(value)}` }],
    });
  });

  it('refuses an address that is no IP', () => {
    expect(failureOf(() => validateIpRequest(WHERE, '[0].ips[1]', '10.1.1'))).toMatchObject({
      issues: [{ path: '[0].ips[1]', message: 'failed to parse IP address "10.1.1"' }],
    });
  });
});

describe('isHardwareAddress', () => {
  it.each([['00:11:22:33:44:55'], ['00-11-22-33-44-55'], ['0011.2233.4455'], ['00:11:22:33:44:55:66:77'], ['0011.2233.4455.6677']])('accepts %s', (mac) => {
    expect(isHardwareAddress(mac)).toBe(true);
  });

  it.each([['00:11:22:33:44:55x'], ['00:11-22:33:44:55'], ['00:11:22:33:44'], ['x0011.2233.4455'], ['0011.2233.4455x'], ['0011.2233'], ['hello']])('refuses %s', (mac) => {
    expect(isHardwareAddress(mac)).toBe(false);
  });

  it('checks the length against the allowed byte counts', () => {
    expect(isHardwareAddress('00:11:22:33:44:55', [8])).toBe(false);
    expect(isHardwareAddress('0011.2233.4455', [8])).toBe(false);
    expect(isHardwareAddress('0011.2233.4455.6677', [8])).toBe(true);
  });
});

describe('reading fields', () => {
  it.each([
    [null, 'null'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
    [7, 'number 7'],
    ['x', 'string "x"'],
    [true, 'boolean true'],
  ])('describes %j as %s', (value, text) => {
    expect(describeJson(value)).toBe(text);
  });

  it('reads a string, or nothing, and refuses anything else naming the field', () => {
    expect(readString(WHERE, '[0].name', 'x')).toBe('x');
    expect(readString(WHERE, '[0].name', undefined)).toBeUndefined();
    expect(failureOf(() => readString(WHERE, '[0].name', 5))).toEqual({
      code: 'SELECTION_INVALID',
      message: `invalid ${WHERE}: [0].name: expected a string, got number 5`,
      issues: [{ path: '[0].name', message: 'expected a string, got number 5' }],
    });
  });

  it('reads a boolean, or nothing, and refuses anything else', () => {
    expect(readBoolean(WHERE, 'f', false)).toBe(false);
    expect(readBoolean(WHERE, 'f', undefined)).toBeUndefined();
    expect(failureOf(() => readBoolean(WHERE, 'f', 'true')).message).toBe(`invalid ${WHERE}: f: expected a boolean, got string "true"`);
  });

  it('reads an object and refuses null, arrays and scalars', () => {
    expect(readObject(WHERE, 'f', { a: 1 })).toEqual({ a: 1 });
    expect(failureOf(() => readObject(WHERE, 'f', null)).message).toBe(`invalid ${WHERE}: f: expected an object, got null`);
    expect(failureOf(() => readObject(WHERE, 'f', [])).message).toBe(`invalid ${WHERE}: f: expected an object, got an array`);
    expect(failureOf(() => readObject(WHERE, 'f', 'x')).message).toBe(`invalid ${WHERE}: f: expected an object, got string "x"`);
  });

  it('parses JSON text, refusing bad JSON with the parser message', () => {
    expect(parseJsonText(WHERE, '[1]')).toEqual([1]);
    const failure = failureOf(() => parseJsonText(WHERE, '[1'));
    expect(failure.message).toMatch(new RegExp(`^invalid ${WHERE}: \\(value\\): not valid JSON \\(.+\\)$`));
  });
});

describe('IP addresses: what Number() would let through', () => {
  it.each([['10.0.0. 1'], ['10.0.0.1 '], ['0x1.0.0.1'], ['10.0.0.1e0']])('refuses %j as IPv4, whose octets must be 1-3 digits', (ip) => {
    expect(isIPv4(ip)).toBe(false);
  });

  it('refuses an IPv6 address with two "::" even when its first part has eight groups', () => {
    expect(isIPv6('1:2:3:4:5:6:7:8::1::2')).toBe(false);
  });

  it.each([['10.1.1.1/ 24'], ['10.1.1.1/24 '], ['10.1.1.1/0x1']])('refuses the CIDR %j, whose prefix must be 1-3 digits', (value) => {
    expect(failureOf(() => validateIpRequest(WHERE, 'f', value)).code).toBe('SELECTION_INVALID');
  });

  it('refuses a MAC that mixes ":" and "-" even when the pieces between one kind make a valid length', () => {
    expect(isHardwareAddress('00:11:22:33:44:55:66:77-88')).toBe(false);
  });
});
