import { describe, expect, it } from 'vitest';
import { parseNetworkObject, parsePodManifest } from './network-object.ts';

const alpha = (value: string) => ({ 'alpha.network.k8s.io/networks': value });

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
