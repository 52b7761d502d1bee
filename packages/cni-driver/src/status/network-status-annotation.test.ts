import { describe, expect, it } from 'vitest';
import { parseResult } from '@multinet/cni-types';
import { formatNetworkStatusAnnotation } from './network-status-annotation.ts';

const result = parseResult(
  {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'cni0', mac: '0a:00:00:00:00:01' }, { name: 'net1', mac: '02:00:00:00:00:09', sandbox: '/var/run/netns/x' }],
    ips: [{ address: '10.250.90.9/24', gateway: '10.250.90.1', interface: 1 }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.250.90.1' }],
    dns: { nameservers: ['10.250.90.53'] },
  },
  { cniVersion: '1.0.0' },
);

describe('formatNetworkStatusAnnotation', () => {
  it('writes each entry as Go MarshalIndent with four spaces, bare IPs, the sandbox MAC, dns and gateway, joined by commas', () => {
    expect(formatNetworkStatusAnnotation([{ name: 'podnet', interface: 'eth0', default: true }, { name: 'app/dbnet', interface: 'net1', default: false, result }])).toBe(
      `[{
    "name": "podnet",
    "interface": "eth0",
    "default": true,
    "dns": {}
},{
    "name": "app/dbnet",
    "interface": "net1",
    "ips": [
        "10.250.90.9"
    ],
    "mac": "02:00:00:00:00:09",
    "dns": {
        "nameservers": [
            "10.250.90.53"
        ]
    },
    "gateway": [
        "10.250.90.1"
    ]
}]`,
    );
  });

  it('writes an empty list as []', () => {
    expect(formatNetworkStatusAnnotation([])).toBe('[]');
  });
});
