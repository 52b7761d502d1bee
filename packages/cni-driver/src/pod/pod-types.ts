/**
 * The nouns of multi-network pods: what a runtime hands the driver (a pod sandbox), what the
 * driver decides to do (a plan of attachments), and what it reports (pod network status).
 */
import type { AttachmentRuntimeConfig, CniResult, SelectionFormat } from '@multinet/cni-types';
import type { AttachmentRef, PlannedAttachment } from '../attach/attachment.ts';

export type { AttachmentRef, PlannedAttachment } from '../attach/attachment.ts';
import type { PodIPEntry } from '../status/pod-ip-entries.ts';
export type { PodIPEntry } from '../status/pod-ip-entries.ts';

/** The pod as the API knows it: identity, annotations and (KEP-3698) `spec.networks`. */
export interface PodIdentity {
  /** Namespace of the pod. */
  readonly namespace: string;
  /** Name of the pod. */
  readonly name: string;
  /** UID of the pod. */
  readonly uid: string;
  /** Annotations (network selection lives here). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** KEP-3698 `spec.networks` entries, as the API holds them (parsed by the selection layer). */
  readonly networks?: readonly unknown[] | undefined;
}

/** A port mapping, as the `portMappings` capability carries it. */
export interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  /** Lower case: `tcp`, `udp`, `sctp`. */
  readonly protocol: string;
  readonly hostIP?: string | undefined;
}

/** Per-pod details that travel as capability args (never baked into the shared config). */
export interface PodRuntimeDetails {
  /** Port mappings (`portMappings` capability); given to every plugin that declares it. */
  readonly portMappings?: readonly PortMapping[] | undefined;
  /** Bandwidth limits (`bandwidth` capability). */
  readonly bandwidth?: Readonly<Record<string, number>> | undefined;
  /** Extra capability args by capability name, for any network. */
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
}

/** One sandbox (pause container + network namespace) to set up for a pod. */
export interface PodSandbox extends PodRuntimeDetails {
  /** The sandbox (infra container) ID: CNI_CONTAINERID. */
  readonly sandboxId: string;
  /** Path of the sandbox's network namespace: CNI_NETNS. */
  readonly netns: string;
  /** The pod this sandbox belongs to. */
  readonly pod: PodIdentity;
  /**
   * Per-attachment runtime config for runtimes that do not use annotations (as CRI-O's ocicni
   * takes `RuntimeConfig` keyed by network): keyed by `<network>@<ifName>` or `<network>` (the
   * attachment's network reference, e.g. `default/dbnet`), it reaches that attachment's plugins
   * only and wins over what the pod's annotation asked for.
   */
  readonly attachmentRuntimeConfig?: Readonly<Record<string, AttachmentRuntimeConfig>> | undefined;
}

/** The ordered attachments of one sandbox: what the checkpoint stores and teardown replays. */
export interface PodPlan {
  readonly sandboxId: string;
  readonly netns: string;
  readonly pod: PodIdentity;
  /** In ADD order; DEL runs in reverse. Loopback, when enabled, comes first with `ifName: 'lo'`. */
  readonly attachments: readonly PlannedAttachment[];
  /** The selection format the pod's request was read from. */
  readonly format?: SelectionFormat | undefined;
  /** Other formats the pod carried, ignored by precedence. */
  readonly ignoredFormats?: readonly SelectionFormat[] | undefined;
}

/** One attachment as reported in the pod's network status (NPWG network-status form). */
export interface AttachmentStatus {
  /** `<namespace>/<network>` as the pod named it. */
  readonly name: string;
  /** Interface name in the sandbox. */
  readonly interface: string;
  /** IP addresses (no prefix length). */
  readonly ips: readonly string[];
  /** MAC address of the sandbox interface, when known. */
  readonly mac?: string | undefined;
  /** Gateways reported by the result. */
  readonly gateway?: readonly string[] | undefined;
  /** True for the pod's default network. */
  readonly default: boolean;
  /** The result, in the config's version. */
  readonly result?: CniResult | undefined;
}

/** What the driver reports for a set-up sandbox. */
export interface PodNetworkStatus {
  readonly sandboxId: string;
  readonly netns: string;
  /** At most one IPv4 and one IPv6, from the default network only (as kubelet keeps them). */
  readonly podIPs: readonly string[];
  /** Every attachment except loopback, in order. */
  readonly networks: readonly AttachmentStatus[];
  /** Wanted attachments that are not attached (their ADD failed; retried with backoff). */
  readonly failures?: readonly AttachmentFailure[] | undefined;
  /**
   * The value of the NPWG `k8s.v1.cni.cncf.io/network-status` annotation, ready to write, exactly
   * as Multus writes it.
   */
  readonly networkStatusAnnotation?: string | undefined;
  /** KEP-3698 `status.podIPs` entries (`ip`, `podNetwork`, `interfaceName`), every network's. */
  readonly podIPEntries?: readonly PodIPEntry[] | undefined;
  /** The selection format the pod's request was read in (`default`: it named no networks). */
  readonly format?: SelectionFormat | undefined;
  /** Other formats the pod carried, ignored by precedence (absent when none). */
  readonly ignoredFormats?: readonly SelectionFormat[] | undefined;
}

/** A wanted attachment that is not attached: its ADD failed, and a later reconcile retries it. */
export interface AttachmentFailure {
  /** `<namespace>/<network>` as the pod named it. */
  readonly name: string;
  /** The interface name it was to get. */
  readonly interface: string;
  /** The error code of the last attempt (`ATTACHMENT_FAILED`'s cause: `PLUGIN_FAILED`, …). */
  readonly code: string;
  /** What happened. */
  readonly message: string;
  /** ADDs tried so far. */
  readonly attempts: number;
  /** Not retried before this time (ISO 8601). */
  readonly retryAfter: string;
}

/** What one reconcile of a sandbox did, attachment by attachment. */
export interface ReconcileReport {
  /** The sandbox's status after the reconcile. */
  readonly status: PodNetworkStatus;
  /** Attachments ADDed (repairs included). */
  readonly added: readonly AttachmentRef[];
  /** Attachments DELeted because they are no longer wanted, or to finish an interrupted step. */
  readonly removed: readonly AttachmentRef[];
  /** Attachments found broken by verification after a restart, and made again. */
  readonly repaired: readonly AttachmentRef[];
  /** Wanted attachments not attached, with why. */
  readonly failed: readonly AttachmentFailure[];
  /** Set when the pod's default network changed: the pod IPs moved with it. */
  readonly defaultSwitched?: { readonly from: string | undefined; readonly to: string } | undefined;
}
