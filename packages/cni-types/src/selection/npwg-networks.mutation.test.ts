import { describe, expect, it } from 'vitest';
import { parseNpwgNetworks } from './npwg-networks.ts';
import { issueOf } from '../../../../test/support/cni-error.ts';

const ANNOTATION = 'k8s.v1.cni.cncf.io/networks';
const DEFAULT_ANNOTATION = 'v1.multus-cni.io/default-network';
const npwg = (value: string, extra: Record<string, string> = {}) => parseNpwgNetworks({ [ANNOTATION]: value, ...extra }, 'app');

/** The code and single issue of the error a call throws. */
describe('parseNpwgNetworks: JSON elements', () => {
  it('reads a single JSON object as a one-element list', () => {
    expect(npwg('{"name":"dbnet"}').slice(1).map((a) => a.ref.name)).toEqual(['dbnet']);
  });

  it('requires a name, naming the element', () => {
    expect(issueOf(() => npwg('[{"name":"a"},{"name":""}]'))).toMatchObject({ code: 'SELECTION_INVALID', path: '[1].name', message: 'is required' });
    expect(issueOf(() => npwg('[{"namespace":"x"}]'))).toMatchObject({ path: '[0].name', message: 'is required' });
    expect(issueOf(() => npwg('[{"name":5}]'))).toMatchObject({ path: '[0].name', message: 'expected a string, got number 5' });
  });

  it('checks the namespace and the interface, naming each field', () => {
    expect(issueOf(() => npwg('[{"name":"a","namespace":"Bad_NS"}]')).path).toBe('[0].namespace');
    expect(issueOf(() => npwg('[{"name":"a","namespace":7}]')).path).toBe('[0].namespace');
    expect(issueOf(() => npwg('[{"name":"a","interface":"bad/if"}]'))).toMatchObject({ code: 'INTERFACE_NAME_INVALID', path: '[0].interface' });
    expect(issueOf(() => npwg('[{"name":"a","interface":7}]')).path).toBe('[0].interface');
    expect(issueOf(() => npwg('[{"name":"a","interfaceRequest":7}]')).path).toBe('[0].interfaceRequest');
  });

  it('takes interfaceRequest when interface is empty, and leaves out an empty namespace', () => {
    const [, a] = npwg('[{"name":"a","namespace":"","interface":"","interfaceRequest":"ens5"}]');
    expect(a).toMatchObject({ ref: { namespace: 'app', name: 'a' }, ifName: 'ens5' });
  });

  it('has no ifName when no interface is asked for', () => {
    expect('ifName' in npwg('[{"name":"a"}]')[1]!).toBe(false);
  });

  it('refuses ipam-claim-reference together with ips, and accepts each alone', () => {
    expect(issueOf(() => npwg('[{"name":"a","ips":["10.0.0.5/24"],"ipam-claim-reference":"claim"}]'))).toMatchObject({
      path: '[0].ipam-claim-reference',
      message: 'cannot be combined with ips',
    });
    expect(npwg('[{"name":"a","ipam-claim-reference":"claim"}]')).toHaveLength(2);
    expect(npwg('[{"name":"a","ips":["10.0.0.5/24"]}]')[1]).toMatchObject({ ips: ['10.0.0.5/24'] });
  });
});

describe('parseNpwgNetworks: comma entries and empty values', () => {
  it('checks comma-form names and namespaces, naming the entry by position', () => {
    expect(issueOf(() => npwg('a,B_ad'))).toMatchObject({ path: 'entry 2 name' });
    expect(issueOf(() => npwg('a,Bad_NS/b'))).toMatchObject({ path: 'entry 2 namespace' });
  });

  it('refuses an annotation of only blanks as empty', () => {
    expect(issueOf(() => npwg('   '))).toMatchObject({ code: 'SELECTION_INVALID', path: '(value)', message: 'is empty' });
  });

  it('ignores a default-network annotation of only blanks', () => {
    const [first] = npwg('a', { [DEFAULT_ANNOTATION]: '  ' });
    expect(first).toEqual({ ref: { kind: 'cluster-default', name: '' }, autoIfName: 'eth0', isDefault: true });
  });

  it('puts the chosen default network on eth0 as the default, in kube-system unless namespaced', () => {
    const [first] = npwg('a', { [DEFAULT_ANNOTATION]: 'calico' });
    expect(first).toEqual({ ref: { kind: 'nad', namespace: 'kube-system', name: 'calico' }, autoIfName: 'eth0', isDefault: true });
  });
});
