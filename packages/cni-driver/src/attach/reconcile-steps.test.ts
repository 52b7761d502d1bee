import { describe, expect, it } from 'vitest';
import type { PlannedAttachment } from './attachment.ts';
import { isNoChange, isSettled, selectReconcileSteps } from './reconcile-steps.ts';
import { buildAttachmentRecord, type AttachmentRecord, type AttachmentState, type PodRecord } from './sandbox-record.ts';

const planned = (network: string, ifName: string, isDefault = false): PlannedAttachment => ({
  network,
  networkName: network.replace('/', '-'),
  ifName,
  isDefault,
  configText: '{}',
  cniVersion: '1.0.0',
  cniArgs: [],
  capabilityArgs: {},
  source: 'conf',
});
const recorded = (a: PlannedAttachment, state: AttachmentState = 'added'): AttachmentRecord => buildAttachmentRecord(a, state);
const record = (phase: PodRecord['phase'], ...attachments: AttachmentRecord[]): PodRecord => ({
  sandboxId: 'sb1',
  netns: '/var/run/netns/x',
  pod: { namespace: 'ns', name: 'p', uid: 'u' },
  phase,
  createdAt: 't',
  updatedAt: 't',
  attachments,
});

const eth0 = planned('default', 'eth0', true);
const net1 = planned('ns/alpha', 'net1');
const net2 = planned('ns/beta', 'net2');

describe('selectReconcileSteps', () => {
  it('adds everything wanted, in wanted order, when there is no record (a first setup)', () => {
    const steps = selectReconcileSteps(undefined, [eth0, net1]);
    expect(steps).toEqual({ finish: [], keep: [], del: [], add: [eth0, net1], delLast: [], isFirstSetup: true });
  });

  it('rolls a record that never became ready back whole, in reverse, and adds everything again', () => {
    const a = recorded(eth0);
    const b = recorded(net1, 'adding');
    const steps = selectReconcileSteps(record('setting-up', a, b), [eth0, net1]);
    expect(steps.finish).toEqual([b, a]);
    expect(steps.add).toEqual([eth0, net1]);
    expect(steps.keep).toEqual([]);
    expect(steps.del).toEqual([]);
    expect(steps.isFirstSetup).toBe(true);
  });

  it('keeps what a ready record has made and is still wanted, and finishes only the unsettled', () => {
    const a = recorded(eth0);
    const b = recorded(net1, 'deleting');
    const c = recorded(net2, 'del-failed');
    const steps = selectReconcileSteps(record('ready', a, b, c), [eth0, net1]);
    expect(steps.isFirstSetup).toBe(false);
    expect(steps.keep).toEqual([{ recorded: a, wanted: eth0 }]);
    expect(steps.finish).toEqual([c, b]);
    expect(steps.add).toEqual([net1]);
    expect(steps.del).toEqual([]);
  });

  it('DELs unwanted attachments in reverse record order', () => {
    const a = recorded(eth0);
    const b = recorded(net1);
    const c = recorded(net2);
    const steps = selectReconcileSteps(record('ready', a, b, c), [eth0]);
    expect(steps.del).toEqual([c, b]);
    expect(steps.delLast).toEqual([]);
    expect(steps.add).toEqual([]);
  });

  it('matches each wanted attachment to one recorded copy; a second copy is made anew', () => {
    const a = recorded(net1);
    const steps = selectReconcileSteps(record('ready', a), [net1, net1]);
    expect(steps.keep).toEqual([{ recorded: a, wanted: net1 }]);
    expect(steps.add).toEqual([net1]);
  });

  it('tells attachments apart by network and interface name together', () => {
    const a = recorded(planned('ns/alpha', 'net9'));
    const steps = selectReconcileSteps(record('ready', a), [net1]);
    expect(steps.add).toEqual([net1]);
    expect(steps.del).toEqual([a]);
  });

  it('detaches the old default last when the default switches to a new attachment', () => {
    const old = recorded(eth0);
    const next = planned('ns/alpha', 'net1', true);
    const steps = selectReconcileSteps(record('ready', old), [next]);
    expect(steps.delLast).toEqual([old]);
    expect(steps.del).toEqual([]);
    expect(steps.add).toEqual([next]);
  });

  it('detaches the old default first when the new attachment needs its interface name', () => {
    const old = recorded(eth0);
    const next = planned('ns/alpha', 'eth0', true);
    const steps = selectReconcileSteps(record('ready', old), [next]);
    expect(steps.delLast).toEqual([]);
    expect(steps.del).toEqual([old]);
  });

  it('detaches the old default first when any of the new attachments needs its interface name', () => {
    const old = recorded(eth0);
    const next = planned('ns/alpha', 'net1', true);
    const steps = selectReconcileSteps(record('ready', old), [next, planned('ns/beta', 'eth0')]);
    expect(steps.delLast).toEqual([]);
    expect(steps.del).toEqual([old]);
  });

  it('detaches an unwanted non-default attachment at once even when the default switches', () => {
    const old = recorded(eth0);
    const side = recorded(net2);
    const next = planned('ns/alpha', 'net1', true);
    const steps = selectReconcileSteps(record('ready', old, side), [next]);
    expect(steps.delLast).toEqual([old]);
    expect(steps.del).toEqual([side]);
  });

  it('defers nothing when no new default is added', () => {
    const old = recorded(eth0);
    const steps = selectReconcileSteps(record('ready', old), [net1]);
    expect(steps.delLast).toEqual([]);
    expect(steps.del).toEqual([old]);
  });

  it('tears everything of a ready record down when nothing is wanted', () => {
    const a = recorded(eth0);
    const b = recorded(net1, 'adding');
    const steps = selectReconcileSteps(record('ready', a, b), []);
    expect(steps.finish).toEqual([b]);
    expect(steps.del).toEqual([a]);
    expect(steps.add).toEqual([]);
  });
});

describe('isSettled and isNoChange', () => {
  it('only an added attachment is settled', () => {
    expect(isSettled(recorded(net1, 'added'))).toBe(true);
    for (const state of ['planned', 'adding', 'deleting', 'del-failed'] as const) expect(isSettled(recorded(net1, state))).toBe(false);
  });

  it('a ready record that has everything wanted needs no change; any step is a change', () => {
    const a = recorded(net1);
    expect(isNoChange(selectReconcileSteps(record('ready', a), [net1]))).toBe(true);
    const base = selectReconcileSteps(record('ready', a), [net1]);
    expect(isNoChange({ ...base, finish: [a] })).toBe(false);
    expect(isNoChange({ ...base, del: [a] })).toBe(false);
    expect(isNoChange({ ...base, add: [net1] })).toBe(false);
    expect(isNoChange({ ...base, delLast: [a] })).toBe(false);
    expect(isNoChange({ ...base, isFirstSetup: true })).toBe(false);
  });
});
