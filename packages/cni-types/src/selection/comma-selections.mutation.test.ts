import { describe, expect, it } from 'vitest';
import { parseAlphaNetworks, parseCommaEntries } from './alpha-networks.ts';
import { parseDanmInterfaces } from './danm-interfaces.ts';
import { parseGenieCni } from './genie-cni.ts';
import { parseMultus2017Networks } from './multus2017-networks.ts';
import { issueOf } from '../../../../test/support/cni-error.ts';

/** The code, single issue and message of the error a call throws. */
const WHERE = 'w';

describe('parseCommaEntries', () => {
  it('trims every entry and part', () => {
    expect(parseCommaEntries(WHERE, ' ns / name @ eth1 , other ')).toEqual([{ namespace: 'ns', name: 'name', ifName: 'eth1' }, { name: 'other' }]);
  });

  it.each([
    ['a,,b', 'entry 2', 'is empty in "a,,b"'],
    ['a, ', 'entry 2', 'is empty in "a, "'],
    ['a@b@c', 'entry 1', '"a@b@c" has more than one "@"'],
    ['x/y/z', 'entry 1', '"x/y/z" has more than one "/"'],
    ['ns/ ', 'entry 1', '"ns/" is not name, name@ifname or namespace/name[@ifname]'],
    [' /name', 'entry 1', '"/name" is not name, name@ifname or namespace/name[@ifname]'],
    ['name@ ', 'entry 1', '"name@" is not name, name@ifname or namespace/name[@ifname]'],
  ])('refuses %j', (text, path, message) => {
    expect(issueOf(() => parseCommaEntries(WHERE, text))).toMatchObject({ code: 'SELECTION_INVALID', path, message });
  });

  it('leaves namespace and ifName out when not given', () => {
    const [entry] = parseCommaEntries(WHERE, 'name');
    expect(entry).toEqual({ name: 'name' });
    expect(Object.keys(entry!)).toEqual(['name']);
  });

  it('marks only the first alpha network as the default, keeping an asked ifName', () => {
    expect(parseAlphaNetworks('a,b@net9', 'app').map((w) => [w.isDefault, w.ifName])).toEqual([
      [true, undefined],
      [false, 'net9'],
    ]);
    expect('ifName' in parseAlphaNetworks('a', 'app')[0]!).toBe(false);
  });
});

describe('parseDanmInterfaces', () => {
  it('refuses an ip that is no CIDR, saying what it accepts', () => {
    expect(issueOf(() => parseDanmInterfaces('[{"network":"n","ip":"10.0.0.1"}]', 'app'))).toEqual({
      code: 'SELECTION_INVALID',
      path: '[0].ip',
      message: 'expected "dynamic", "none" or a CIDR, got "10.0.0.1"',
      text: 'invalid danm.k8s.io/interfaces annotation: [0].ip: expected "dynamic", "none" or a CIDR, got "10.0.0.1"',
    });
    expect(issueOf(() => parseDanmInterfaces('[{"network":"n","ip6":"fd00::1"}]', 'app')).path).toBe('[0].ip6');
  });

  it('refuses an empty list', () => {
    expect(issueOf(() => parseDanmInterfaces('[]', 'app'))).toMatchObject({ path: '(value)', message: 'expected a non-empty JSON list of interfaces' });
  });

  it('marks fields with no CNI equivalent as not supported', () => {
    expect(issueOf(() => parseDanmInterfaces('[{"network":"n","ip":"dynamic","device":"x"}]', 'app'))).toMatchObject({ code: 'SELECTION_UNSUPPORTED', path: '[0].device', message: 'not supported' });
  });

  it('requires a network and one of ip and ip6', () => {
    expect(issueOf(() => parseDanmInterfaces('[{"ip":"dynamic"}]', 'app'))).toMatchObject({ path: '[0].network', message: 'is required' });
    expect(issueOf(() => parseDanmInterfaces('[{"network":"n"}]', 'app'))).toMatchObject({ path: '[0]', message: 'at least one of ip and ip6 is required' });
    expect(issueOf(() => parseDanmInterfaces('[{"network":5,"ip":"dynamic"}]', 'app'))).toMatchObject({ path: '[0].network', message: 'expected a string, got number 5' });
  });

  it('reads an entry with only ip6', () => {
    expect(parseDanmInterfaces('[{"network":"n","ip6":"fd00::5/64"}]', 'app')[0]).toMatchObject({ ips: ['fd00::5/64'] });
    expect(parseDanmInterfaces('[{"network":"n","ip6":"dynamic"}]', 'app')[0]).not.toHaveProperty('ips');
  });
});

describe('parseGenieCni', () => {
  it('refuses a plugin name with a namespace, quoting it', () => {
    expect(issueOf(() => parseGenieCni('weave,ns/canal'))).toMatchObject({ path: 'entry 2', message: 'a plugin name has no namespace, got "ns/canal"' });
  });

  it('refuses the same interface asked twice, naming the entry', () => {
    let caught: unknown;
    try {
      parseGenieCni('a@eth1,b@eth1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INTERFACE_NAME_CONFLICT', message: 'invalid cni annotation: entry 2 interface: Repeated request for same interface name: eth1', details: { ifName: 'eth1' } });
  });

  it('makes the first plugin the default, keeping asked interfaces', () => {
    expect(parseGenieCni('weave@eth3,canal')).toEqual([
      { ref: { kind: 'genie-plugin', name: 'weave' }, ifName: 'eth3', autoIfName: 'eth3', isDefault: true },
      { ref: { kind: 'genie-plugin', name: 'canal' }, autoIfName: 'eth0', isDefault: false },
    ]);
    expect('ifName' in parseGenieCni('canal')[0]!).toBe(false);
  });
});

describe('parseMultus2017Networks', () => {
  it('marks only the first network as the default', () => {
    expect(parseMultus2017Networks('[{"name":"a"},{"name":"b"}]', 'app').map((w) => w.isDefault)).toEqual([true, false]);
  });

  it.each([
    ['{"name":"a"}', '(value)', 'expected a JSON list of {"name": …}'],
    ['[]', '(value)', 'the list is empty'],
    ['[{"name":"a"},{}]', '[1].name', 'is required'],
    ['[{"name":5}]', '[0].name', 'expected a string, got number 5'],
  ])('refuses %s', (text, path, message) => {
    expect(issueOf(() => parseMultus2017Networks(text, 'app'))).toMatchObject({ code: 'SELECTION_INVALID', path, message });
  });
});
