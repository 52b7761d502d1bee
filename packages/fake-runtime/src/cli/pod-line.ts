/**
 * The `--json` output of `multinet run`: one line per pod after each sync.
 */
import type { ApiPod, ApiPodStatus } from '../api/in-memory-api.ts';

/** One pod's line, in the documented field order. */
export interface PodLine {
  pod: string;
  uid: string;
  sandboxId: string | null;
  netns: string | null;
  podIPs: string[];
  networks: Array<{ name: string; interface: string; ips: string[]; mac: string | null; default: boolean }>;
  /** Why the pod has no (or not all of its) networks; `causeCode` only when a typed cause lies underneath. */
  error: { code: string; message: string; causeCode?: string } | null;
  /** Wanted attachments not attached yet, with why (retried with backoff). */
  failures: Array<{ name: string; interface: string; code: string; message: string; attempts: number }>;
  /** The selection format the pod's request was read from (null when it could not be read). */
  format: string | null;
  /** The `k8s.v1.cni.cncf.io/network-status` annotation's value as written back. */
  networkStatus: string | null;
  /** KEP-3698 pod IP entries. */
  podIPEntries: Array<{ ip: string; podNetwork: string; interfaceName: string }>;
}

/** Builds the line of a pod from the status the loop wrote back. Pure. */
export function buildPodLine(pod: ApiPod, status: ApiPodStatus | undefined): PodLine {
  return {
    pod: `${pod.namespace}/${pod.name}`,
    uid: pod.uid,
    sandboxId: status?.sandboxId ?? null,
    netns: status?.netns ?? null,
    podIPs: [...(status?.podIPs ?? [])],
    networks: (status?.networks ?? []).map((n) => ({
      name: n.name,
      interface: n.interface,
      ips: [...n.ips],
      mac: n.mac ?? null,
      default: n.default,
    })),
    error: status?.error
      ? { code: status.error.code, message: status.error.message, ...(status.error.causeCode !== undefined ? { causeCode: status.error.causeCode } : {}) }
      : null,
    failures: (status?.failures ?? []).map((f) => ({ name: f.name, interface: f.interface, code: f.code, message: f.message, attempts: f.attempts })),
    format: status?.format ?? null,
    networkStatus: status?.networkStatusAnnotation ?? null,
    podIPEntries: (status?.podIPEntries ?? []).map((e) => ({ ip: e.ip, podNetwork: e.podNetwork, interfaceName: e.interfaceName })),
  };
}
