import { describe, expect, it } from 'vitest';
import type { ApiPod } from '../api/in-memory-api.ts';
import type { SandboxEntry } from '../sandbox/sandbox-registry.ts';
import { selectSyncActions } from './sync-pods.ts';

const pod = (name: string, uid: string): ApiPod => ({ namespace: 'default', name, uid, annotations: {} });
const sandbox = (name: string, uid: string, id: string): SandboxEntry => ({
  sandboxId: id.repeat(64).slice(0, 64),
  pod: { namespace: 'default', name, uid },
  netns: `/ns/${id}`,
  netnsMode: 'fake',
  createdAt: '2026-12-02T00:00:00.000Z',
});

describe('selectSyncActions', () => {
  it('makes one sandbox for the first of two pods with one uid and refuses the other', () => {
    const [a, b] = [pod('a', 'u1'), pod('b', 'u1')];
    expect(selectSyncActions([a, b], [])).toEqual({ toCreate: [a], toReconcile: [], toRemove: [], toRefuse: [{ pod: b, owner: a }] });
  });

  it('leaves a sandbox with the pod it was made for, wherever that pod is listed', () => {
    const [a, b] = [pod('a', 'u1'), pod('b', 'u1')];
    const made = sandbox('b', 'u1', 'b');
    expect(selectSyncActions([a, b], [made])).toEqual({ toCreate: [], toReconcile: [{ pod: b, sandbox: made }], toRemove: [], toRefuse: [{ pod: a, owner: b }] });
  });

  it('refuses nothing when uids differ', () => {
    const [a, b] = [pod('a', 'u1'), pod('b', 'u2')];
    expect(selectSyncActions([a, b], []).toRefuse).toEqual([]);
  });
});
