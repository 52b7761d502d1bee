import { describe, expect, it } from 'vitest';
import { hasNewAddIntent } from './record-book.ts';
import type { AttachmentRecord, AttachmentState, PodRecord } from './sandbox-record.ts';

const attachment = (ifName: string, state: AttachmentState): AttachmentRecord => ({
  network: `net-${ifName}`,
  networkName: `net-${ifName}`,
  ifName,
  isDefault: ifName === 'eth0',
  source: 'conf',
  configText: '{}',
  cniVersion: '1.0.0',
  cniArgs: [],
  capabilityArgs: {},
  state,
  delAttempts: 0,
});
const record = (...attachments: AttachmentRecord[]): PodRecord => ({
  sandboxId: 'sb1',
  netns: '/var/run/netns/x',
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  phase: 'setting-up',
  createdAt: 't',
  updatedAt: 't',
  attachments,
});

describe('which record writes must survive a power loss before they resolve', () => {
  it('a write that starts an ADD (a new adding intent) must', () => {
    expect(hasNewAddIntent(undefined, record(attachment('eth0', 'adding')))).toBe(true);
    expect(hasNewAddIntent(record(attachment('eth0', 'added')), record(attachment('eth0', 'added'), attachment('eth1', 'adding')))).toBe(true);
  });

  it('an ADD made again after its DEL is a new intent again', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'deleting')), record(attachment('eth0', 'adding')))).toBe(true);
  });

  it('an adding intent already on disk does not need another sync (the results written after it)', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'adding'), attachment('eth1', 'adding')), record(attachment('eth0', 'added'), attachment('eth1', 'adding')))).toBe(false);
  });

  it('DEL intents and teardown outcomes need not: a power loss takes the namespaces, and the record before them still names every attachment', () => {
    expect(hasNewAddIntent(record(attachment('eth0', 'added'), attachment('eth1', 'added')), record(attachment('eth0', 'deleting'), attachment('eth1', 'deleting')))).toBe(false);
    expect(hasNewAddIntent(record(attachment('eth0', 'deleting')), record(attachment('eth0', 'del-failed')))).toBe(false);
  });

  it('a v1 record\'s planned state counts as adding', () => {
    expect(hasNewAddIntent(undefined, record(attachment('eth0', 'planned')))).toBe(true);
  });
});
