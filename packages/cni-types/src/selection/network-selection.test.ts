import { describe, expect, it } from 'vitest';
import { parsePodNetworkRequest } from './network-selection.ts';

describe('parsePodNetworkRequest', () => {
  it('means the default network alone on eth0 when the pod names none', () => {
    const request = parsePodNetworkRequest({ namespace: 'default', annotations: { 'alpha.network.k8s.io/networks': '  ' } });
    expect(request.format).toBe('default');
    expect(request.attachments).toEqual([{ ref: { kind: 'cluster-default', name: '' }, autoIfName: 'eth0', isDefault: true }]);
  });

  it('prefers the patch annotation, then spec.networks, then NPWG, and reports the ignored formats', () => {
    const annotations = { 'alpha.network.k8s.io/networks': 'a', 'k8s.v1.cni.cncf.io/networks': 'b', cni: 'c' };
    expect(parsePodNetworkRequest({ namespace: 'default', annotations, networks: [{ podNetworkName: 'default' }] })).toMatchObject({ format: 'alpha', ignored: ['kep', 'npwg', 'genie'] });
    const { 'alpha.network.k8s.io/networks': _, ...rest } = annotations;
    expect(parsePodNetworkRequest({ namespace: 'default', annotations: rest, networks: [{ podNetworkName: 'default' }] })).toMatchObject({ format: 'kep', source: 'spec.networks', ignored: ['npwg', 'genie'] });
    expect(parsePodNetworkRequest({ namespace: 'default', annotations: rest })).toMatchObject({ format: 'npwg', ignored: ['genie'] });
  });

  it('reads the NPWG empty list as a request (the default network alone, format npwg)', () => {
    expect(parsePodNetworkRequest({ namespace: 'default', annotations: { 'k8s.v1.cni.cncf.io/networks': '[]' } })).toMatchObject({ format: 'npwg', attachments: [{ ref: { kind: 'cluster-default' } }] });
  });
});
