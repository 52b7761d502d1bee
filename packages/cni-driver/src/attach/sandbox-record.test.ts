import { describe, expect, it } from 'vitest';
import type { PlannedAttachment } from './attachment.ts';
import { buildAttachmentKey, selectAttachmentRef } from './attachment.ts';
import { buildAttachmentRecord, parsePodRecord } from './sandbox-record.ts';

const planned: PlannedAttachment = {
  network: 'ns/alpha',
  networkName: 'alpha',
  ifName: 'net1',
  isDefault: false,
  configText: '{"cniVersion":"1.0.0","name":"alpha","plugins":[{"type":"noop"}]}',
  cniVersion: '1.0.0',
  cniArgs: [['K8S_POD_NAME', 'p']],
  capabilityArgs: { mac: '02:00:00:00:00:01' },
  source: 'object',
};

const good = {
  sandboxId: 'sb1',
  netns: '/var/run/netns/x',
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  phase: 'ready',
  createdAt: 't',
  updatedAt: 't',
  attachments: [buildAttachmentRecord(planned, 'added')],
};

describe('buildAttachmentRecord', () => {
  it('copies every planned field, sets the state and starts with no DEL attempts', () => {
    expect(buildAttachmentRecord(planned, 'adding')).toEqual({ ...planned, state: 'adding', delAttempts: 0 });
  });

  it('copies the default-route plan when there is one, and shares no array with the plan', () => {
    const plan = { removeFamilies: [4, 6] as Array<4 | 6>, gateways: ['10.0.0.1'] };
    const built = buildAttachmentRecord({ ...planned, defaultRoutes: plan }, 'adding');
    expect(built.defaultRoutes).toEqual({ removeFamilies: [4, 6], gateways: ['10.0.0.1'] });
    expect(built.defaultRoutes?.gateways).not.toBe(plan.gateways);
    expect(built.defaultRoutes?.removeFamilies).not.toBe(plan.removeFamilies);
    expect(built.cniArgs[0]).not.toBe(planned.cniArgs[0]);
    expect(built.capabilityArgs).not.toBe(planned.capabilityArgs);
    expect('defaultRoutes' in buildAttachmentRecord(planned, 'adding')).toBe(false);
  });
});

describe('parsePodRecord', () => {
  it('returns a valid record as it is', () => {
    expect(parsePodRecord(good)).toEqual(good);
  });

  it('refuses an invalid record with RECORD_INVALID naming each bad field', () => {
    const bad = { ...good, sandboxId: '', attachments: [{ ...good.attachments[0], state: 'gone' }] };
    const error = (() => {
      try {
        parsePodRecord(bad);
      } catch (e) {
        return e as { code: string; message: string; details: { issues: Array<{ path: string }> } };
      }
      return undefined;
    })();
    expect(error?.code).toBe('RECORD_INVALID');
    expect(error?.message).toMatch(/^invalid pod record: sandboxId: .+; attachments\[0\]\.state: .+$/);
    expect(error?.details.issues.map((i) => i.path)).toEqual(['sandboxId', 'attachments[0].state']);
  });

  it('names the root when the record is not an object at all', () => {
    expect(() => parsePodRecord(42)).toThrow(/^invalid pod record: \(root\): /);
  });
});

describe('attachment identity', () => {
  it('is the network and the interface name, each telling attachments apart', () => {
    expect(buildAttachmentKey({ network: 'a', ifName: 'b' })).not.toBe(buildAttachmentKey({ network: 'a', ifName: 'c' }));
    expect(buildAttachmentKey({ network: 'a', ifName: 'b' })).not.toBe(buildAttachmentKey({ network: 'ab', ifName: '' }));
    expect(buildAttachmentKey({ network: 'a', ifName: 'b' })).toBe(buildAttachmentKey({ network: 'a', ifName: 'b' }));
    expect(selectAttachmentRef(planned)).toEqual({ network: 'ns/alpha', ifName: 'net1' });
  });
});
