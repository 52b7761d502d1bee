import { describe, expect, it } from 'vitest';
import { parseNetworkSelection } from './network-selection.ts';
import { parseNetworkObject, parsePodManifest } from '../objects/network-object.ts';

const alpha = (value: string) => ({ 'alpha.network.k8s.io/networks': value });

describe('parseNetworkSelection', () => {
  it('reads the patch annotation in order, trimming whitespace the patch kept', () => {
    expect(parseNetworkSelection(alpha('dbnet, othernet ,thick-plugin-example'))?.map((s) => s.name)).toEqual(['dbnet', 'othernet', 'thick-plugin-example']);
  });

  it('reads name@ifname and namespace/name', () => {
    expect(parseNetworkSelection(alpha('a@net1,other/b,other/c@net3'))).toEqual([
      { name: 'a', ifName: 'net1', source: 'alpha' },
      { namespace: 'other', name: 'b', source: 'alpha' },
      { namespace: 'other', name: 'c', ifName: 'net3', source: 'alpha' },
    ]);
  });

  it('keeps a network listed twice', () => {
    expect(parseNetworkSelection(alpha('a,a'))).toHaveLength(2);
  });

  it.each(['a,,b', 'a@', '/a', 'a/b/c'])('refuses %j with SELECTION_INVALID', (value) => {
    expect(() => parseNetworkSelection(alpha(value))).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID' }));
  });

  it('means "default network" when there is no annotation', () => {
    expect(parseNetworkSelection({})).toBeUndefined();
    expect(parseNetworkSelection(alpha('  '))).toBeUndefined();
  });

  it('reads the NPWG JSON form with interface, ips and mac', () => {
    expect(parseNetworkSelection({ 'k8s.v1.cni.cncf.io/networks': '[{"name":"a","namespace":"x","interface":"net1","ips":["10.250.1.5/24"],"mac":"02:00:00:00:00:05"}]' })).toEqual([
      { namespace: 'x', name: 'a', ifName: 'net1', ips: ['10.250.1.5/24'], mac: '02:00:00:00:00:05', source: 'npwg' },
    ]);
  });

  it('refuses NPWG JSON that does not parse', () => {
    expect(() => parseNetworkSelection({ 'k8s.v1.cni.cncf.io/networks': '[{"name":' })).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID' }));
  });
});

describe('network objects and pods', () => {
  const net = (spec: unknown) => ({ apiVersion: 'alpha.network.k8s.io/v1', kind: 'Network', metadata: { name: 'dbnet' }, spec });

  it('reads a thin object (empty spec.plugin) and a thick one', () => {
    expect(parseNetworkObject(net({ plugin: null }))).toEqual({ namespace: 'default', name: 'dbnet' });
    expect(parseNetworkObject(net({ plugin: 'thick-plugin' }))).toEqual({ namespace: 'default', name: 'dbnet', plugin: 'thick-plugin' });
  });

  it('refuses an object without spec, naming the file and document', () => {
    expect(() => parseNetworkObject(net(undefined), { file: '/m/nets.yaml', index: 2 })).toThrow(
      expect.objectContaining({ code: 'NETWORK_OBJECT_INVALID', message: expect.stringMatching(/"dbnet" in \/m\/nets\.yaml \(document 3\).*spec/) }),
    );
  });

  it('reads a pod with annotations, defaulting the namespace', () => {
    expect(parsePodManifest({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', annotations: alpha('a') } })).toEqual({
      namespace: 'default',
      name: 'web',
      annotations: alpha('a'),
    });
  });
});
