import { describe, expect, it } from 'vitest';
import { parseKepNetworks } from './kep-networks.ts';

describe('parseKepNetworks', () => {
  it('names interfaces by interfaceName, else eth0 for the first and net<index> for the others', () => {
    const wanted = parseKepNetworks([{ podNetworkName: 'default' }, { podNetworkName: 'dataplane' }, { podNetworkAttachmentName: 'fast', interfaceName: 'fast0' }], 'app');
    expect(wanted.map((w) => [w.ref.kind, w.ref.name, w.ifName ?? w.autoIfName, w.isDefault])).toEqual([
      ['pod-network', 'default', 'eth0', true],
      ['pod-network', 'dataplane', 'net1', false],
      ['pod-network-attachment', 'fast', 'fast0', false],
    ]);
  });

  it('marks the entries with isDefaultGW4/isDefaultGW6 as carrying those default routes', () => {
    const wanted = parseKepNetworks([{ podNetworkName: 'default', isDefaultGW6: true }, { podNetwork: 'dataplane', isDefaultGW4: true }, { podNetwork: 'other' }], 'app');
    expect(wanted.map((w) => w.defaultGatewayFamilies)).toEqual([[6], [4], undefined]);
  });

  it('takes the pod IPs from the entry with isDefaultGW4', () => {
    expect(parseKepNetworks([{ podNetworkName: 'default' }, { podNetwork: 'dataplane', isDefaultGW4: true }], 'app').map((w) => w.isDefault)).toEqual([false, true]);
  });

  it('reads an empty list as the default PodNetwork alone', () => {
    expect(parseKepNetworks([], 'app').map((w) => w.ref.name)).toEqual(['default']);
  });

  it.each([
    [[{ podNetworkName: 'a' }, { podNetworkName: 'a' }], 'spec.networks[1].podNetworkName'],
    [[{ podNetworkName: 'a', podNetworkAttachmentName: 'b' }], 'spec.networks[0]'],
    [[{ podNetworkName: 'a', isDefaultGW4: true }, { podNetworkName: 'b', isDefaultGW4: true }], 'spec.networks[1].isDefaultGW4'],
    [[{ podNetworkName: 'a', interfaceName: 'x' }, { podNetworkName: 'b', interfaceName: 'x' }], 'spec.networks[1].interfaceName'],
    [[{ podNetworkName: 'Bad_Name' }], 'spec.networks[0].podNetworkName'],
    [['a'], 'spec.networks[0]'],
  ])('refuses %j naming the field %s', (networks, field) => {
    expect(() => parseKepNetworks(networks, 'app')).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID', message: expect.stringContaining(`pod spec.networks: ${field}`) }));
  });
});
