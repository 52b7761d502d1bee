import { describe, expect, it } from 'vitest';
import type { AttachmentRecord, PodRecord } from '../attach/sandbox-record.ts';
import { buildAttachmentStatus, buildPodNetworkStatus } from './pod-status.ts';

const NETNS = '/var/run/netns/pod-a';

function attachment(patch: Partial<AttachmentRecord> = {}): AttachmentRecord {
  return {
    network: 'default/dbnet',
    networkName: 'dbnet',
    ifName: 'eth0',
    isDefault: false,
    source: 'object',
    configText: '{}',
    cniVersion: '1.0.0',
    cniArgs: [],
    capabilityArgs: {},
    state: 'added',
    delAttempts: 0,
    ...patch,
  };
}

function record(attachments: AttachmentRecord[], patch: Partial<PodRecord> = {}): PodRecord {
  return {
    sandboxId: 'sandbox-a',
    netns: NETNS,
    pod: { namespace: 'default', name: 'web', uid: 'uid-web' },
    phase: 'ready',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    attachments,
    ...patch,
  };
}

const result100 = (ips: Array<{ address: string; gateway?: string }>, interfaces: Array<{ name: string; mac?: string; sandbox?: string }> = []) => ({
  cniVersion: '1.0.0',
  interfaces,
  ips,
});

describe('buildAttachmentStatus', () => {
  it('lists the result\'s IPs without their prefix length, and the gateways of those that have one', () => {
    const status = buildAttachmentStatus(
      attachment({ result: result100([{ address: '10.1.0.5/24', gateway: '10.1.0.1' }, { address: '10.2.0.5/16' }, { address: 'fd00::5/64', gateway: 'fd00::1' }]) }),
    );
    expect(status.ips).toEqual(['10.1.0.5', '10.2.0.5', 'fd00::5']);
    expect(status.gateway).toEqual(['10.1.0.1', 'fd00::1']);
  });

  it('reports the network, interface, default flag and parsed result of the attachment', () => {
    const result = result100([{ address: '10.1.0.5/24' }], [{ name: 'eth0', mac: '02:00:00:00:00:05', sandbox: NETNS }]);
    expect(buildAttachmentStatus(attachment({ isDefault: true, result }))).toStrictEqual({
      name: 'default/dbnet',
      interface: 'eth0',
      ips: ['10.1.0.5'],
      mac: '02:00:00:00:00:05',
      default: true,
      result,
    });
  });

  it('leaves out mac, gateway and result when the attachment has no result and no recorded MAC', () => {
    expect(buildAttachmentStatus(attachment())).toStrictEqual({ name: 'default/dbnet', interface: 'eth0', ips: [], default: false });
  });

  it('reads a stored result that carries no cniVersion in the attachment\'s version', () => {
    const status = buildAttachmentStatus(attachment({ cniVersion: '0.4.0', result: { interfaces: [], ips: [{ version: '4', address: '10.4.0.5/24' }] } }));
    expect(status.ips).toEqual(['10.4.0.5']);
    expect(status.result).toMatchObject({ cniVersion: '0.4.0' });
  });

  it('treats a stored result that does not parse as no result', () => {
    expect(buildAttachmentStatus(attachment({ result: { cniVersion: '1.0.0', ips: 'not a list' } }))).toStrictEqual({
      name: 'default/dbnet',
      interface: 'eth0',
      ips: [],
      default: false,
    });
  });

  it('takes the MAC of the sandbox interface named like the attachment over a host-side one of the same name', () => {
    const result = result100([], [
      { name: 'eth0', mac: '0a:00:00:00:00:01' },
      { name: 'eth0', mac: '02:00:00:00:00:02', sandbox: NETNS },
    ]);
    expect(buildAttachmentStatus(attachment({ result, mac: '02:ff:ff:ff:ff:ff' })).mac).toBe('02:00:00:00:00:02');
  });

  it('never takes the MAC of another sandbox interface', () => {
    const result = result100([], [
      { name: 'net9', mac: '02:00:00:00:00:09', sandbox: NETNS },
      { name: 'eth0', mac: '02:00:00:00:00:02', sandbox: NETNS },
    ]);
    expect(buildAttachmentStatus(attachment({ result })).mac).toBe('02:00:00:00:00:02');
  });

  it('falls back to an interface of the attachment\'s name without a sandbox, skipping others', () => {
    const result = result100([], [
      { name: 'cni0', mac: '0a:00:00:00:00:00' },
      { name: 'eth0', mac: '0a:00:00:00:00:01' },
    ]);
    expect(buildAttachmentStatus(attachment({ result, mac: '02:ff:ff:ff:ff:ff' })).mac).toBe('0a:00:00:00:00:01');
  });

  it('takes the MAC recorded from the namespace when the result names no such interface', () => {
    const result = { cniVersion: '0.2.0', ip4: { ip: '10.2.0.5/24' } };
    expect(buildAttachmentStatus(attachment({ cniVersion: '0.2.0', result, mac: '02:00:00:00:00:07' }))).toMatchObject({ ips: ['10.2.0.5'], mac: '02:00:00:00:00:07' });
    expect(buildAttachmentStatus(attachment({ result: result100([], [{ name: 'cni0', mac: '0a:00:00:00:00:00' }]), mac: '02:00:00:00:00:07' })).mac).toBe('02:00:00:00:00:07');
  });
});

describe('buildPodNetworkStatus', () => {
  const lo = attachment({ network: 'loopback', networkName: 'cni-loopback', ifName: 'lo', source: 'loopback', result: result100([{ address: '127.0.0.1/8' }]) });

  it('lists every added attachment but loopback, in record order', () => {
    const status = buildPodNetworkStatus(
      record([
        lo,
        attachment({ ifName: 'eth0', isDefault: true, result: result100([{ address: '10.1.0.5/24' }]) }),
        attachment({ network: 'default/old', ifName: 'net1', state: 'deleting' }),
        attachment({ network: 'default/new', ifName: 'net2', state: 'adding' }),
        attachment({ network: 'default/gone', ifName: 'net3', state: 'del-failed', delAttempts: 2 }),
        attachment({ network: 'default/othernet', ifName: 'net4' }),
      ]),
    );
    expect(status.networks.map((n) => [n.name, n.interface])).toEqual([
      ['default/dbnet', 'eth0'],
      ['default/othernet', 'net4'],
    ]);
  });

  it('takes the pod IPs from the added default attachment only: its first IPv4, then its first IPv6, without prefix', () => {
    const status = buildPodNetworkStatus(
      record([
        lo,
        attachment({ network: 'default/olddefault', ifName: 'eth9', isDefault: true, state: 'deleting', result: result100([{ address: '10.9.0.9/24' }]) }),
        attachment({ network: 'default/side', ifName: 'net1', result: result100([{ address: '10.8.0.8/24' }]) }),
        attachment({
          ifName: 'eth0',
          isDefault: true,
          result: result100([{ address: 'fd00::5/64' }, { address: '10.1.0.5/24' }, { address: '10.1.0.6/24' }, { address: 'fd00::6/64' }]),
        }),
      ]),
    );
    expect(status.podIPs).toEqual(['10.1.0.5', 'fd00::5']);
  });

  it('has no pod IPs when the default attachment is not added or has no result', () => {
    expect(buildPodNetworkStatus(record([lo, attachment({ isDefault: true, state: 'adding', result: result100([{ address: '10.1.0.5/24' }]) })])).podIPs).toEqual([]);
    expect(buildPodNetworkStatus(record([lo, attachment({ isDefault: true })])).podIPs).toEqual([]);
  });

  it('reports an IPv6-only default network with its IPv6 alone', () => {
    expect(buildPodNetworkStatus(record([attachment({ isDefault: true, result: result100([{ address: 'fd00::5/64' }]) })])).podIPs).toEqual(['fd00::5']);
  });

  it('carries the sandbox, the failures, the NPWG annotation and the KEP-3698 entries', () => {
    const failure = { name: 'default/othernet', interface: 'net1', code: 'PLUGIN_FAILED', message: 'no', attempts: 1, retryAfter: '2026-01-01T00:00:01.000Z' };
    const status = buildPodNetworkStatus(record([lo, attachment({ isDefault: true, result: result100([{ address: '10.1.0.5/24' }]) })]), [failure]);
    expect(status).toMatchObject({ sandboxId: 'sandbox-a', netns: NETNS, failures: [failure] });
    expect(JSON.parse(status.networkStatusAnnotation!)).toEqual([expect.objectContaining({ name: 'default/dbnet', interface: 'eth0', ips: ['10.1.0.5'], default: true })]);
    expect(status.podIPEntries).toEqual([{ ip: '10.1.0.5', podNetwork: 'default/dbnet', interfaceName: 'eth0' }]);
  });

  it('leaves out failures, format and ignored formats when there are none', () => {
    const status = buildPodNetworkStatus(record([attachment({ isDefault: true })]));
    expect(Object.keys(status).sort()).toEqual(['netns', 'networkStatusAnnotation', 'networks', 'podIPEntries', 'podIPs', 'sandboxId']);
    const read = buildPodNetworkStatus(record([attachment({ isDefault: true })], { selection: { format: 'default', ignored: [] } }), []);
    expect(read.format).toBe('default');
    expect('ignoredFormats' in read).toBe(false);
    expect('failures' in read).toBe(false);
  });

  it('reports the selection format the request was read in and the formats it ignored', () => {
    const status = buildPodNetworkStatus(record([attachment({ isDefault: true })], { selection: { format: 'alpha', ignored: ['npwg'] } }));
    expect([status.format, status.ignoredFormats]).toEqual(['alpha', ['npwg']]);
  });
});
