/**
 * One turn of the kubelet-like sync loop, as a pure decision plus the steps that carry it out.
 */
import type { ApiPod } from '../api/in-memory-api.ts';
import type { SandboxEntry } from '../sandbox/sandbox-registry.ts';

/** What one sync has to do. */
export interface SyncDecision {
  /** Pods with no sandbox yet: make one and set up its networks. */
  readonly toCreate: readonly ApiPod[];
  /** Sandboxes whose networks are not set up (an earlier setup failed): set up again. */
  readonly toRetry: ReadonlyArray<{ readonly pod: ApiPod; readonly sandbox: SandboxEntry }>;
  /** Sandboxes whose pod left the API: tear down and remove. */
  readonly toRemove: readonly SandboxEntry[];
}

/**
 * Decides what a sync does from the pods in the API, the sandboxes the runtime holds, and which
 * of those sandboxes have their networks set up. Pure.
 */
export function selectSyncActions(
  pods: readonly ApiPod[],
  sandboxes: readonly SandboxEntry[],
  isSetUp: (sandboxId: string) => boolean,
): SyncDecision {
  const byUid = new Map<string, SandboxEntry>();
  for (const sandbox of sandboxes) byUid.set(sandbox.pod.uid, sandbox);
  const wanted = new Set(pods.map((pod) => pod.uid));
  const toCreate: ApiPod[] = [];
  const toRetry: Array<{ pod: ApiPod; sandbox: SandboxEntry }> = [];
  for (const pod of pods) {
    const sandbox = byUid.get(pod.uid);
    if (!sandbox) toCreate.push(pod);
    else if (!isSetUp(sandbox.sandboxId)) toRetry.push({ pod, sandbox });
  }
  const toRemove = sandboxes.filter((sandbox) => !wanted.has(sandbox.pod.uid));
  return { toCreate, toRetry, toRemove };
}
