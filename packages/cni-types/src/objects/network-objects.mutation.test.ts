import { describe, expect, it } from 'vitest';
import { parseMultusNetwork } from './multus-network.ts';
import { parseNetAttachDef } from './net-attach-def.ts';
import { parseNetworkObject, parsePodManifest } from './network-object.ts';
import { parseObjectWith } from './object-metadata.ts';
import { buildObjectKey, selectObjectKind } from './network-objects.ts';
import { parsePodNetwork, parsePodNetworkAttachment } from './pod-network.ts';
import { z } from 'zod';
import { errorOf } from '../../../../test/support/cni-error.ts';

/** The CniError a call throws. */
const SOURCE = { file: '/m/objects.yaml', index: 1 };

describe('network objects (alpha.network.k8s.io)', () => {
  it('says "(root)" for a value that is no object at all, and names no object', () => {
    const error = errorOf(() => parseNetworkObject(null, SOURCE));
    expect(error.code).toBe('NETWORK_OBJECT_INVALID');
    expect(error.message).toMatch(/^invalid network object in \/m\/objects\.yaml \(document 2\): \(root\): /);
    expect(error.details['file']).toBe('/m/objects.yaml');
  });

  it('names the object and joins every issue with its path', () => {
    const error = errorOf(() => parseNetworkObject({ apiVersion: 'alpha.network.k8s.io/v1', kind: 'Nope', metadata: { name: 'dbnet' } }));
    const issues = error.details['issues'] as Array<{ path: string; message: string }>;
    expect(issues.length).toBeGreaterThan(1);
    expect(error.message).toBe(`invalid network object "dbnet": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  });

  it('trims spec.plugin and reads a blank one as thin', () => {
    const net = (plugin: string) => ({ apiVersion: 'alpha.network.k8s.io/v1', kind: 'Network', metadata: { name: 'n' }, spec: { plugin } });
    expect(parseNetworkObject(net(' thick '))).toEqual({ namespace: 'default', name: 'n', plugin: 'thick' });
    expect(parseNetworkObject(net('  '))).toEqual({ namespace: 'default', name: 'n' });
  });
});

describe('pod manifests', () => {
  const pod = (extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u-1' }, ...extra });

  it('keeps the uid and spec.networks', () => {
    expect(parsePodManifest(pod({ spec: { networks: [{ podNetworkName: 'default' }] } }))).toEqual({
      namespace: 'default',
      name: 'p',
      uid: 'u-1',
      annotations: {},
      networks: [{ podNetworkName: 'default' }],
    });
  });

  it('refuses a manifest that is not a pod with MANIFEST_INVALID, naming the file and each issue', () => {
    const error = errorOf(() => parsePodManifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'p' } }, SOURCE));
    const issues = error.details['issues'] as Array<{ path: string; message: string }>;
    expect(error).toMatchObject({ code: 'MANIFEST_INVALID', details: { file: '/m/objects.yaml' } });
    expect(error.message).toBe(`invalid pod in /m/objects.yaml (document 2): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    expect(errorOf(() => parsePodManifest(7)).message).toMatch(/^invalid pod: \(root\): /);
    const two = errorOf(() => parsePodManifest({ apiVersion: 'v2', kind: 'Service', metadata: { name: 'p' } }));
    const twoIssues = two.details['issues'] as Array<{ path: string; message: string }>;
    expect(twoIssues).toHaveLength(2);
    expect(two.message).toBe(`invalid pod: ${twoIssues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  });
});

describe('parseObjectWith', () => {
  const Schema = z.looseObject({ metadata: z.looseObject({ name: z.string() }), a: z.number(), b: z.number() });

  it('names the kind, the object, the source and every issue', () => {
    const error = errorOf(() => parseObjectWith(Schema, 'Thing', { metadata: { name: 'x' } }, { file: '/f.yaml' }));
    expect(error.message).toMatch(/^invalid Thing "x" in \/f\.yaml: a: .+; b: .+$/);
  });

  it('says "(root)" and names no object for a value that is not an object', () => {
    expect(errorOf(() => parseObjectWith(Schema, 'Thing', null)).message).toMatch(/^invalid Thing: \(root\): /);
    expect(errorOf(() => parseObjectWith(Schema, 'Thing', { metadata: { name: 5 } })).message).toMatch(/^invalid Thing: /);
  });
});

describe('Multus-2017 Networks and NetworkAttachmentDefinitions', () => {
  const multus = (args: string) => ({ apiVersion: 'kubernetes.com/v1', kind: 'Network', metadata: { name: 'm' }, plugin: 'flannel', args });

  it('takes the first object of args', () => {
    expect(parseMultusNetwork(multus('[{"delegate":{"isDefaultGateway":true}},{"x":1}]')).args).toEqual({ delegate: { isDefaultGateway: true } });
  });

  it.each([['{"a":1}'], ['[{"a":1},[1]]'], ['[1]'], ['[null]'], ['not json']])('refuses args %s, which is not a JSON list of objects', (args) => {
    expect(errorOf(() => parseMultusNetwork(multus(args))).message).toContain('args is not a JSON list of objects');
  });

  const nad = (config: string) => ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'n' }, spec: { config } });

  it.each([['[]'], ['null'], ['"text"'], ['{']])('refuses a NAD whose spec.config is %s', (config) => {
    expect(errorOf(() => parseNetAttachDef(nad(config))).message).toContain('spec.config is not a JSON object');
  });

  it('reads a blank spec.config as no config, and keeps a real one as written', () => {
    expect(parseNetAttachDef(nad('  '))).toEqual({ kind: 'NetworkAttachmentDefinition', namespace: 'default', name: 'n' });
    expect(parseNetAttachDef(nad(' {"type":"macvlan"} ')).config).toBe(' {"type":"macvlan"} ');
  });
});

describe('PodNetwork apiVersions', () => {
  const podNetwork = (apiVersion: string) => ({ apiVersion, kind: 'PodNetwork', metadata: { name: 'p' }, spec: {} });

  it.each([['v1'], ['multinetwork.k8s.io/v1alpha1'], ['networking.k8s.io/v1alpha1'], ['example.com/v1']])('accepts %s', (apiVersion) => {
    expect(parsePodNetwork(podNetwork(apiVersion)).name).toBe('p');
  });

  it.each([['v2'], ['example.com/v2'], ['v1alpha1/example'], ['/v1/x'], ['x.multinetwork.']])('refuses %s', (apiVersion) => {
    expect(errorOf(() => parsePodNetwork(podNetwork(apiVersion))).message).toContain('unknown apiVersion');
  });
});

describe('object kinds and keys', () => {
  it('calls an object without a kind a Network, and keeps a kind it has', () => {
    expect(selectObjectKind({ namespace: 'default', name: 'n' })).toBe('Network');
    expect(selectObjectKind({ kind: 'NetworkAttachmentDefinition', namespace: 'default', name: 'n' })).toBe('NetworkAttachmentDefinition');
  });

  it('keys objects by kind, namespace and name, apart even when the parts run together', () => {
    expect(buildObjectKey('Network', 'a', 'b')).toBe('Network\u0000a\u0000b');
    expect(buildObjectKey('Network', 'a-b', 'c')).not.toBe(buildObjectKey('Network', 'a', 'b-c'));
  });

  it('puts a PodNetworkAttachment without a namespace in "default"', () => {
    const attachment = parsePodNetworkAttachment({ apiVersion: 'v1', kind: 'PodNetworkAttachment', metadata: { name: 'pna' }, spec: { podNetworkName: 'data' } });
    expect(attachment).toMatchObject({ namespace: 'default', name: 'pna', podNetworkName: 'data' });
  });
});
