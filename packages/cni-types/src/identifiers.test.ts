import { describe, expect, it } from 'vitest';
import { formatCniArgs, parseCniArgs } from './cni-args.ts';
import { validateContainerId, validateInterfaceName, validateNetworkName } from './identifiers.ts';

describe('validateInterfaceName', () => {
  it.each(['eth0', 'net1', 'a', 'x'.repeat(15), 'vlan.100'])('accepts %j', (name) => {
    expect(() => validateInterfaceName(name)).not.toThrow();
  });

  it.each(['', '.', '..', 'x'.repeat(16), 'a/b', 'a:b', 'a b', 'tab\t', 'ééééééééé'])('refuses %j with INTERFACE_NAME_INVALID', (name) => {
    expect(() => validateInterfaceName(name)).toThrow(expect.objectContaining({ code: 'INTERFACE_NAME_INVALID', details: { ifName: name } }));
  });
});

describe('container IDs and network names', () => {
  it('follow libcni pattern', () => {
    expect(() => validateContainerId('abc-1_2.3')).not.toThrow();
    expect(() => validateContainerId('-abc')).toThrow(expect.objectContaining({ code: 'CONTAINER_ID_INVALID' }));
    expect(() => validateContainerId('')).toThrow(expect.objectContaining({ code: 'CONTAINER_ID_INVALID' }));
    expect(() => validateNetworkName('net/1')).toThrow(expect.objectContaining({ code: 'NETWORK_NAME_INVALID' }));
  });
});

describe('CNI_ARGS', () => {
  it('joins pairs with ";" in order', () => {
    expect(formatCniArgs([['IgnoreUnknown', '1'], ['K8S_POD_NAME', 'web']])).toBe('IgnoreUnknown=1;K8S_POD_NAME=web');
  });

  it('refuses an empty value, which cnitool and parseCniArgs would refuse on the way back', () => {
    expect(() => formatCniArgs([['K8S_POD_UID', '']])).toThrow(expect.objectContaining({ code: 'CNI_ARGS_INVALID', message: 'invalid CNI_ARGS value for K8S_POD_UID: it is empty' }));
  });

  it('refuses a value with ";" since CNI_ARGS has no escaping', () => {
    expect(() => formatCniArgs([['K', 'a;b']])).toThrow(expect.objectContaining({ code: 'CNI_ARGS_INVALID' }));
  });

  it.each(['K=', 'K', 'K=a=b', 'A=1;', '=v'])('parses strictly like cnitool and refuses %j', (text) => {
    expect(() => parseCniArgs(text)).toThrow(`invalid CNI_ARGS pair`);
  });

  it('parses pairs and the empty string', () => {
    expect(parseCniArgs('A=1;B=2')).toEqual([['A', '1'], ['B', '2']]);
    expect(parseCniArgs('')).toEqual([]);
  });
});
