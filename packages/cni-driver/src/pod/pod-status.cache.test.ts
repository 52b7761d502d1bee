/**
 * The status builder's cache of results already read: a result the ADD path has checked, or one
 * read once, is handed back as the same object, never parsed again into a copy.
 */
import { describe, expect, it } from 'vitest';
import type { CniResult } from '@multinet/cni-types';
import type { AttachmentRecord } from '../attach/sandbox-record.ts';
import { buildAttachmentStatus, rememberCheckedResult } from './pod-status.ts';

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

const result100 = (address: string) => ({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:05', sandbox: '/var/run/netns/pod-a' }], ips: [{ address, interface: 0 }] });

describe('the results already read', () => {
  it('hands back a result remembered as checked for the attachment\'s version as that very object, not a parsed copy', () => {
    const result = result100('10.1.0.5/24') as unknown as CniResult;
    rememberCheckedResult(result, '1.0.0');
    const status = buildAttachmentStatus(attachment({ cniVersion: '1.0.0', result: result as unknown as Record<string, unknown> }));
    expect(status.result).toBe(result);
  });

  it('parses a result once: the status of the same attachment built twice carries the same result object', () => {
    const same = attachment({ result: result100('10.1.0.6/24') });
    const first = buildAttachmentStatus(same).result;
    const second = buildAttachmentStatus(same).result;
    expect(first).toBeDefined();
    expect(first).not.toBe(same.result);
    expect(second).toBe(first);
  });
});
