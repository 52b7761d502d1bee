import { describe, expect, it } from 'vitest';
import { parseNpwgNetworks } from './npwg-networks.ts';

const npwg = (value: string, extra: Record<string, string> = {}) => parseNpwgNetworks({ 'k8s.v1.cni.cncf.io/networks': value, ...extra }, 'app');

describe('parseNpwgNetworks', () => {
  it('puts the cluster default network first on eth0 and each listed network on net<position>', () => {
    expect(npwg('dbnet').map((a) => [a.ref.kind, a.ref.namespace, a.ref.name, a.autoIfName, a.isDefault])).toEqual([
      ['cluster-default', undefined, '', 'eth0', true],
      ['nad', 'app', 'dbnet', 'net1', false],
    ]);
  });

  it('reads the comma form with ns/name@ifname', () => {
    expect(npwg('a, other/b@macvlan1 ,c').slice(1).map((a) => [a.ref.namespace, a.ref.name, a.ifName, a.autoIfName])).toEqual([
      ['app', 'a', undefined, 'net1'],
      ['other', 'b', 'macvlan1', 'net2'],
      ['app', 'c', undefined, 'net3'],
    ]);
  });

  it('reads every JSON selection key', () => {
    const [, a] = npwg(
      JSON.stringify([
        {
          name: 'a',
          namespace: 'x',
          interface: 'ens4',
          ips: ['10.250.90.5/24', '2001:db8::5'],
          mac: '02:00:00:00:00:05',
          'infiniband-guid': '24:8a:07:03:00:8d:ae:2f',
          portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
          bandwidth: { ingressRate: 1000, ingressBurst: 2000 },
          'cni-args': { spoofchk: 'on' },
          'default-route': ['10.250.90.1'],
        },
      ]),
    );
    expect(a).toEqual({
      ref: { kind: 'nad', namespace: 'x', name: 'a' },
      ifName: 'ens4',
      autoIfName: 'net1',
      isDefault: false,
      ips: ['10.250.90.5/24', '2001:db8::5'],
      mac: '02:00:00:00:00:05',
      infinibandGUID: '24:8a:07:03:00:8d:ae:2f',
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      bandwidth: { ingressRate: 1000, ingressBurst: 2000 },
      cniArgs: { spoofchk: 'on' },
      defaultRoute: ['10.250.90.1'],
    });
  });

  it('takes the pre-3.2 interfaceRequest when interface is empty', () => {
    expect(npwg('[{"name":"a","interfaceRequest":"net9"}]')[1]!.ifName).toBe('net9');
  });

  it('asks for the default network alone with an empty JSON list', () => {
    expect(npwg('[]')).toHaveLength(1);
  });

  it('replaces the cluster default network with the NAD of v1.multus-cni.io/default-network, in kube-system unless namespaced', () => {
    expect(parseNpwgNetworks({ 'v1.multus-cni.io/default-network': 'calico-conf' }, 'app')[0]!.ref).toEqual({ kind: 'nad', namespace: 'kube-system', name: 'calico-conf' });
    expect(parseNpwgNetworks({ 'v1.multus-cni.io/default-network': 'app/calico-conf' }, 'app')[0]!.ref.namespace).toBe('app');
  });

  it.each([
    ['Net_A', 'entry 1 name'],
    ['a/b/c', 'entry 1'],
    ['a@this-name-is-too-long', 'entry 1 interface'],
    ['[{"name":"a","mac":"02:00:00"}]', '[0].mac'],
    ['[{"name":"a","ips":["10.250.90.300/24"]}]', '[0].ips[0]'],
    ['[{"name":"a","ips":["10.250.90.3/33"]}]', '[0].ips[0]'],
    ['[{"name":"a","ips":["fe80::1::2"]}]', '[0].ips[0]'],
    ['[{"name":"a","portMappings":[{"hostPort":0,"containerPort":80}]}]', '[0].portMappings[0].hostPort'],
    ['[{"name":"a","portMappings":[{"hostPort":80,"containerPort":80,"protocol":"icmp"}]}]', '[0].portMappings[0].protocol'],
    ['[{"name":"a","bandwidth":{"ingressBurst":5}}]', '[0].bandwidth.ingressBurst'],
    ['[{"name":"a","cni-args":[1]}]', '[0].cni-args'],
    ['[{"name":"a","default-route":["x"]}]', '[0].default-route[0]'],
    ['[{"name":"a","default-route":["10.0.0.1"]},{"name":"b","default-route":["10.0.0.2"]}]', '[1].default-route'],
    ['[{"namespace":"x"}]', '[0].name'],
    ['[{"name":', '(value)'],
  ])('refuses %j naming the annotation and the field %s', (value, field) => {
    expect(() => npwg(value)).toThrow(expect.objectContaining({ message: expect.stringContaining(`k8s.v1.cni.cncf.io/networks annotation: ${field}`) }));
  });

  it('accepts one IPv4 and one IPv6 default-route on different attachments', () => {
    expect(npwg('[{"name":"a","default-route":["10.0.0.1"]},{"name":"b","default-route":["2001:db8::1"]}]')).toHaveLength(3);
  });

  it('refuses two default networks', () => {
    expect(() => parseNpwgNetworks({ 'v1.multus-cni.io/default-network': 'a,b' }, 'app')).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID', message: expect.stringContaining('more than one default network') }));
  });
});
