/**
 * The nouns of multi-network pods: what a runtime hands the driver (a pod sandbox), what the
 * driver decides to do (a plan of attachments), and what it reports (pod network status).
 */
import type { CniArgs, CniResult } from '@multinet/cni-types';

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
}

/** One network the pod asked for, resolved to the exact config to run. */
export interface PlannedAttachment {
  /** How the pod named it (`<namespace>/<object name>`, or the conf network name for the default). */
  readonly network: string;
  /** The CNI network name (`name` of the config list sent). */
  readonly networkName: string;
  /** The interface name in the sandbox. */
  readonly ifName: string;
  /** True for the pod's default network (the first of the list): its IPs are the pod IPs. */
  readonly isDefault: boolean;
  /** The exact config list bytes sent to the plugins (replayed on DEL). */
  readonly configText: string;
  /** The cniVersion of the config list. */
  readonly cniVersion: string;
  /** CNI_ARGS pairs. */
  readonly cniArgs: CniArgs;
  /** Capability args offered (each plugin gets only those it declares). */
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
  /** Where the config came from: a conf file (thin), a generated thick config, or loopback. */
  readonly source: 'conf' | 'thick' | 'loopback' | 'object';
}

/** The ordered attachments of one sandbox: what the checkpoint stores and teardown replays. */
export interface PodPlan {
  readonly sandboxId: string;
  readonly netns: string;
  readonly pod: PodIdentity;
  /** In ADD order; DEL runs in reverse. Loopback, when enabled, comes first with `ifName: 'lo'`. */
  readonly attachments: readonly PlannedAttachment[];
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
}
