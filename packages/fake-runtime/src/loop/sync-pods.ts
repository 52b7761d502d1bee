/**
 * One turn of the kubelet-like sync loop, as a pure decision plus the steps that carry it out.
 * Level-triggered: every pod with a sandbox is reconciled on every turn (the driver makes that
 * cheap when nothing changed), so an edited request, a crash or a lost status is always caught up.
 */
import type { ApiPod } from '../api/in-memory-api.ts';
import type { SandboxEntry } from '../sandbox/sandbox-registry.ts';

/** What one sync has to do. */
export interface SyncDecision {
  /** Pods with no sandbox yet: make one and set up its networks. */
  readonly toCreate: readonly ApiPod[];
  /** Pods with a sandbox: reconcile its networks to what the pod asks for now. */
  readonly toReconcile: ReadonlyArray<{ readonly pod: ApiPod; readonly sandbox: SandboxEntry }>;
  /** Sandboxes whose pod left the API (or was replaced under a new uid): tear down and remove. */
  readonly toRemove: readonly SandboxEntry[];
  /**
   * Pods refused because another pod (`owner`) carries the same uid: a uid names one sandbox, so
   * they get none; nothing is done for them.
   */
  readonly toRefuse: ReadonlyArray<{ readonly pod: ApiPod; readonly owner: ApiPod }>;
}

const isSamePod = (pod: ApiPod, entry: SandboxEntry): boolean => pod.namespace === entry.pod.namespace && pod.name === entry.pod.name;

/**
 * Decides what a sync does from the pods in the API and the sandboxes the runtime holds. A pod
 * owns the sandbox made for its uid; a second sandbox of one uid (a crash between making one and
 * recording it) is removed. Of pods that share a uid, the one the sandbox was made for (else
 * the first listed) owns it and the others are refused. Pure.
 */
export function selectSyncActions(pods: readonly ApiPod[], sandboxes: readonly SandboxEntry[]): SyncDecision {
  const byUid = new Map<string, SandboxEntry>();
  const extra: SandboxEntry[] = [];
  for (const sandbox of sandboxes) {
    if (byUid.has(sandbox.pod.uid)) extra.push(sandbox);
    else byUid.set(sandbox.pod.uid, sandbox);
  }
  const owners = new Map<string, ApiPod>();
  for (const pod of pods) {
    const current = owners.get(pod.uid);
    const sandbox = byUid.get(pod.uid);
    if (!current || (sandbox && !isSamePod(current, sandbox) && isSamePod(pod, sandbox))) owners.set(pod.uid, pod);
  }
  const wanted = new Set(pods.map((pod) => pod.uid));
  const toCreate: ApiPod[] = [];
  const toReconcile: Array<{ pod: ApiPod; sandbox: SandboxEntry }> = [];
  const toRefuse: Array<{ pod: ApiPod; owner: ApiPod }> = [];
  for (const pod of pods) {
    const owner = owners.get(pod.uid)!;
    if (owner !== pod) {
      toRefuse.push({ pod, owner });
      continue;
    }
    const sandbox = byUid.get(pod.uid);
    if (!sandbox) toCreate.push(pod);
    else toReconcile.push({ pod, sandbox });
  }
  const toRemove = [...sandboxes.filter((sandbox) => !wanted.has(sandbox.pod.uid)), ...extra.filter((s) => wanted.has(s.pod.uid))];
  return { toCreate, toReconcile, toRemove, toRefuse };
}
