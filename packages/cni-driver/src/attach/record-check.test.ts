import { describe, expect, it } from 'vitest';
import { checkPodRecord } from './record-check.ts';
import type { AttachmentRecord, PodRecord } from './sandbox-record.ts';

const conf = (name: string, type = 'noop'): string => JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type }] });
const attachment = (patch: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
  network: 'ns/alpha',
  networkName: 'alpha',
  ifName: 'net1',
  isDefault: false,
  source: 'object',
  configText: conf('alpha'),
  cniVersion: '1.0.0',
  cniArgs: [],
  capabilityArgs: {},
  state: 'added',
  delAttempts: 0,
  ...patch,
});
const record = (patch: Partial<PodRecord> = {}): PodRecord => ({
  sandboxId: 'sb1',
  netns: '/var/run/netns/x',
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  phase: 'ready',
  createdAt: 't',
  updatedAt: 't',
  attachments: [attachment()],
  ...patch,
});

describe('checkPodRecord', () => {
  it('accepts a record that names its own key and well-formed attachments', () => {
    expect(() => checkPodRecord(record(), 'sb1')).not.toThrow();
  });

  it('refuses an invalid sandbox ID, and one that is not the key it is stored under', () => {
    expect(() => checkPodRecord(record({ sandboxId: '../x' }), '../x')).toThrow(expect.objectContaining({ code: 'CONTAINER_ID_INVALID' }));
    expect(() => checkPodRecord(record(), 'sb2')).toThrow('the record of sandbox sb2 names sandbox sb1');
  });

  it('refuses a netns that is not an absolute path, or holds a NUL or a newline', () => {
    expect(() => checkPodRecord(record({ netns: 'var/run/netns/x' }), 'sb1')).toThrow('netns "var/run/netns/x" is not an absolute path');
    expect(() => checkPodRecord(record({ netns: '/x\ny' }), 'sb1')).toThrow(/is not an absolute path/);
    expect(() => checkPodRecord(record({ netns: '/x\0y' }), 'sb1')).toThrow(/is not an absolute path/);
    expect(() => checkPodRecord(record({ netns: '' }), 'sb1')).toThrow(/is not an absolute path/);
  });

  it('refuses an attachment with a bad interface name, network name, config or plugin type', () => {
    expect(() => checkPodRecord(record({ attachments: [attachment({ ifName: '../eth0' })] }), 'sb1')).toThrow(expect.objectContaining({ code: 'INTERFACE_NAME_INVALID' }));
    expect(() => checkPodRecord(record({ attachments: [attachment({ networkName: '../a', configText: conf('../a') })] }), 'sb1')).toThrow(expect.objectContaining({ code: 'NETWORK_NAME_INVALID' }));
    expect(() => checkPodRecord(record({ attachments: [attachment({ configText: '{' })] }), 'sb1')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => checkPodRecord(record({ attachments: [attachment({ configText: conf('alpha', '../../bin/sh') })] }), 'sb1')).toThrow(expect.objectContaining({ code: 'PLUGIN_TYPE_INVALID', message: expect.stringContaining('in network "alpha"') }));
  });

  it('refuses an attachment whose config names another network', () => {
    expect(() => checkPodRecord(record({ attachments: [attachment({ configText: conf('beta') })] }), 'sb1')).toThrow('attachment net1 names network alpha but its config is beta');
  });

  it('checks every attachment, not only the first', () => {
    expect(() => checkPodRecord(record({ attachments: [attachment(), attachment({ ifName: 'a/b' })] }), 'sb1')).toThrow(expect.objectContaining({ code: 'INTERFACE_NAME_INVALID' }));
  });
});
