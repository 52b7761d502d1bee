import { describe, expect, it } from 'vitest';
import { parseAnyNetworkObject } from './network-objects.ts';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });

describe('parseAnyNetworkObject', () => {
  it('reads a NetworkAttachmentDefinition with spec.config, and one with an empty spec', () => {
    const config = '{"cniVersion":"0.3.1","type":"macvlan"}';
    expect(parseAnyNetworkObject({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: meta('mv', 'app'), spec: { config } })).toEqual({
      kind: 'NetworkAttachmentDefinition',
      namespace: 'app',
      name: 'mv',
      config,
    });
    expect(parseAnyNetworkObject({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: meta('dbnet') })).toEqual({ kind: 'NetworkAttachmentDefinition', namespace: 'default', name: 'dbnet' });
  });

  it('refuses a NAD whose spec.config is not a JSON object, naming the object and the field', () => {
    expect(() => parseAnyNetworkObject({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: meta('bad'), spec: { config: '[1' } }, { file: '/m/n.yaml', index: 0 })).toThrow(
      expect.objectContaining({ code: 'NETWORK_OBJECT_INVALID', message: expect.stringContaining('NetworkAttachmentDefinition "bad" in /m/n.yaml (document 1): spec.config') }),
    );
  });

  it('reads a PodNetwork (enabled by default) and a PodNetworkAttachment', () => {
    expect(parseAnyNetworkObject({ apiVersion: 'v1', kind: 'PodNetwork', metadata: meta('dataplane'), spec: { provider: 'k8s.cni.cncf.io/multus', parametersRefs: [{ group: 'k8s.cni.cncf.io', kind: 'network-attachment-definitions', name: 'dp', namespace: 'default' }] } })).toEqual({
      kind: 'PodNetwork',
      namespace: '',
      name: 'dataplane',
      enabled: true,
      provider: 'k8s.cni.cncf.io/multus',
      parametersRefs: [{ group: 'k8s.cni.cncf.io', kind: 'network-attachment-definitions', name: 'dp', namespace: 'default' }],
    });
    expect(parseAnyNetworkObject({ apiVersion: 'v1', kind: 'PodNetworkAttachment', metadata: meta('fast', 'app'), spec: { podNetworkName: 'dataplane' } })).toEqual({
      kind: 'PodNetworkAttachment',
      namespace: 'app',
      name: 'fast',
      podNetworkName: 'dataplane',
      parametersRefs: [],
    });
  });

  it('tells the Multus-2017 Network (kubernetes.com/v1) from the patch Network by apiVersion', () => {
    expect(parseAnyNetworkObject({ apiVersion: 'kubernetes.com/v1', kind: 'Network', metadata: meta('flannel-networkobj'), plugin: 'flannel', args: '[ { "delegate": { "isDefaultGateway": true } } ]' })).toEqual({
      kind: 'MultusNetwork',
      namespace: 'default',
      name: 'flannel-networkobj',
      plugin: 'flannel',
      args: { delegate: { isDefaultGateway: true } },
    });
    expect(parseAnyNetworkObject({ apiVersion: 'alpha.network.k8s.io/v1', kind: 'Network', metadata: meta('dbnet'), spec: { plugin: null } })).toEqual({ namespace: 'default', name: 'dbnet' });
  });

  it('ignores kinds that are no network object', () => {
    expect(parseAnyNetworkObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('x') })).toBeUndefined();
  });
});
