import { describe, expect, it } from 'vitest';
import { buildNumberedNames } from './auto-names.ts';
import { parsePodNetworkRequest } from './network-selection.ts';

describe('parsePodNetworkRequest: each format on its own', () => {
  it('reads the Multus default-network annotation alone as an NPWG request', () => {
    const request = parsePodNetworkRequest({ namespace: 'app', annotations: { 'v1.multus-cni.io/default-network': 'calico' } });
    expect(request).toMatchObject({ format: 'npwg', attachments: [{ ref: { kind: 'nad', namespace: 'kube-system', name: 'calico' }, isDefault: true }] });
  });

  it('reads the Multus-2017 annotation, naming free interfaces net0 on', () => {
    expect(parsePodNetworkRequest({ namespace: 'app', annotations: { networks: '[{"name":"a"}]' } })).toMatchObject({ format: 'multus2017', source: 'networks', freeName: { prefix: 'net', start: 0 } });
  });

  it('reads the DANM annotation', () => {
    expect(parsePodNetworkRequest({ namespace: 'app', annotations: { 'danm.k8s.io/interfaces': '[{"network":"n","ip":"dynamic"}]' } })).toMatchObject({
      format: 'danm',
      source: 'danm.k8s.io/interfaces',
      freeName: { prefix: 'eth', start: 0 },
    });
  });

  it('reads a pod without annotations as the default network alone, with eth names free from 0', () => {
    expect(parsePodNetworkRequest({ namespace: 'app' })).toEqual({
      format: 'default',
      source: 'none',
      attachments: [{ ref: { kind: 'cluster-default', name: '' }, autoIfName: 'eth0', isDefault: true }],
      ignored: [],
      freeName: { prefix: 'eth', start: 0 },
    });
  });
});

describe('buildNumberedNames', () => {
  it('skips numbers taken by explicit names in index mode', () => {
    expect(buildNumberedNames([undefined, 'eth1', undefined], 'eth', 'index')).toEqual(['eth0', 'eth1', 'eth2']);
    expect(buildNumberedNames(['eth2', undefined, undefined], 'eth', 'index')).toEqual(['eth2', 'eth1', 'eth3']);
  });

  it('gives the lowest free number in next-free mode', () => {
    expect(buildNumberedNames([undefined, undefined, 'eth0'], 'eth', 'next-free')).toEqual(['eth1', 'eth2', 'eth0']);
  });
});
