import { describe, expect, it } from 'vitest';
import { parseDanmInterfaces } from './danm-interfaces.ts';

describe('parseDanmInterfaces', () => {
  it('maps network and ip dynamic|none|cidr onto attachments on eth0, eth1, …', () => {
    expect(parseDanmInterfaces('[{"network":"management","ip":"dynamic"},{"network":"sriov-a","ip":"none"},{"network":"ext","ip":"10.250.91.7/24"}]', 'app')).toEqual([
      { ref: { kind: 'danm-network', namespace: 'app', name: 'management' }, autoIfName: 'eth0', isDefault: true },
      { ref: { kind: 'danm-network', namespace: 'app', name: 'sriov-a' }, autoIfName: 'eth1', isDefault: false },
      { ref: { kind: 'danm-network', namespace: 'app', name: 'ext' }, autoIfName: 'eth2', isDefault: false, ips: ['10.250.91.7/24'] },
    ]);
  });

  it.each(['tenantNetwork', 'clusterNetwork', 'proutes'])('refuses %s with SELECTION_UNSUPPORTED naming the field', (key) => {
    expect(() => parseDanmInterfaces(JSON.stringify([{ [key]: 'x', ip: 'dynamic' }]), 'app')).toThrow(
      expect.objectContaining({ code: 'SELECTION_UNSUPPORTED', message: expect.stringContaining(`danm.k8s.io/interfaces annotation: [0].${key}`) }),
    );
  });

  it('refuses an entry with neither ip nor ip6', () => {
    expect(() => parseDanmInterfaces('[{"network":"a"}]', 'app')).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID' }));
  });
});
