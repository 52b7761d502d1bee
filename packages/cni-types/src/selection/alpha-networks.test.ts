import { describe, expect, it } from 'vitest';
import { parseAlphaNetworks } from './alpha-networks.ts';

describe('parseAlphaNetworks', () => {
  it('reads the list in order, trimming whitespace the patch kept, on eth<index>', () => {
    expect(parseAlphaNetworks('dbnet, othernet ,thick-plugin-example', 'default').map((a) => [a.ref.name, a.autoIfName, a.isDefault])).toEqual([
      ['dbnet', 'eth0', true],
      ['othernet', 'eth1', false],
      ['thick-plugin-example', 'eth2', false],
    ]);
  });

  it('reads name@ifname and namespace/name, skipping an automatic name an explicit one took', () => {
    expect(parseAlphaNetworks('a@eth1,other/b,other/c@net3', 'default')).toEqual([
      { ref: { kind: 'network', namespace: 'default', name: 'a' }, ifName: 'eth1', autoIfName: 'eth1', isDefault: true },
      { ref: { kind: 'network', namespace: 'other', name: 'b' }, autoIfName: 'eth2', isDefault: false },
      { ref: { kind: 'network', namespace: 'other', name: 'c' }, ifName: 'net3', autoIfName: 'net3', isDefault: false },
    ]);
  });

  it('keeps a network listed twice', () => {
    expect(parseAlphaNetworks('a,a', 'default')).toHaveLength(2);
  });

  it.each(['a,,b', 'a@', '/a', 'a/b/c', 'a@b@c'])('refuses %j with SELECTION_INVALID naming the annotation', (value) => {
    expect(() => parseAlphaNetworks(value, 'default')).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID', message: expect.stringContaining('alpha.network.k8s.io/networks annotation: entry') }));
  });
});
