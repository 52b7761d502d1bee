/**
 * The one model every selection format is parsed into: the attachments a pod wants, in order,
 * each naming a network reference and carrying its per-attachment runtime config. Pure.
 */

/** The selection formats the driver reads, in the order of {@link SELECTION_PRECEDENCE}. */
export const SELECTION_FORMATS = ['alpha', 'kep', 'npwg', 'multus2017', 'genie', 'danm', 'default'] as const;
/** A selection format; `default` means the pod named no networks (the default network alone). */
export type SelectionFormat = (typeof SELECTION_FORMATS)[number];

/** What kind of object a reference resolves through. */
export type NetworkReferenceKind =
  /** The cluster default network: the first conf file (NPWG 6.2, KEP `default`). */
  | 'cluster-default'
  /** The 2017 patch's `alpha.network.k8s.io/v1 Network`, else a conf network of that name. */
  | 'network'
  /** An NPWG NetworkAttachmentDefinition, else a conf network of that name. */
  | 'nad'
  /** A KEP-3698 PodNetwork (cluster-scoped). */
  | 'pod-network'
  /** A KEP-3698 PodNetworkAttachment (namespaced). */
  | 'pod-network-attachment'
  /** A Multus-2017 `kubernetes.com/v1 Network`, else a conf network of that name. */
  | 'multus-network'
  /** A CNI-Genie plugin name: matched against conf file names (`10-weave.conflist` → `weave`). */
  | 'genie-plugin'
  /** A DANM network name: a NetworkAttachmentDefinition, else a conf network of that name. */
  | 'danm-network';

/** What a wanted attachment names. */
export interface NetworkReference {
  readonly kind: NetworkReferenceKind;
  /** The namespace to look in; `undefined` for cluster-scoped kinds. */
  readonly namespace?: string | undefined;
  /** The object (or plugin) name; empty for `cluster-default`. */
  readonly name: string;
}

/** A port mapping as NPWG's `portMappings` key carries it (passed on as given). */
export interface PortMapEntry {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol?: string | undefined;
  readonly hostIP?: string | undefined;
}

/** NPWG's `bandwidth` key (bits per second and bits). */
export interface BandwidthEntry {
  readonly ingressRate?: number | undefined;
  readonly ingressBurst?: number | undefined;
  readonly egressRate?: number | undefined;
  readonly egressBurst?: number | undefined;
}

/** Per-attachment runtime config: what reaches this attachment's plugins only. */
export interface AttachmentRuntimeConfig {
  /** Static IPs, with or without prefix (`ips` capability; CNI_ARGS `IP=` as Multus). */
  readonly ips?: readonly string[] | undefined;
  /** Static MAC (`mac` capability; CNI_ARGS `MAC=` as Multus). */
  readonly mac?: string | undefined;
  /** `portMappings` capability. */
  readonly portMappings?: readonly PortMapEntry[] | undefined;
  /** `bandwidth` capability. */
  readonly bandwidth?: BandwidthEntry | undefined;
  /** Injected into each plugin's config as `args.cni` (over the config's own). */
  readonly cniArgs?: Readonly<Record<string, unknown>> | undefined;
  /** Gateways asked for (`default-route`): at most one IPv4 and one IPv6 per pod. */
  readonly defaultRoute?: readonly string[] | undefined;
  /** `infinibandGUID` capability. */
  readonly infinibandGUID?: string | undefined;
  /**
   * KEP-3698 `isDefaultGW4`/`isDefaultGW6`: the families whose default route this attachment
   * carries. The pod's other attachments lose their default routes of these families; this one
   * keeps the routes its plugins made. Ignored when any attachment asks for `defaultRoute`.
   */
  readonly defaultGatewayFamilies?: ReadonlyArray<4 | 6> | undefined;
}

/** One attachment a pod wants, as its format asked for it. */
export interface WantedAttachment extends AttachmentRuntimeConfig {
  readonly ref: NetworkReference;
  /** The interface name the pod asked for explicitly. */
  readonly ifName?: string | undefined;
  /** The name the format gives it in a new sandbox when none was asked for. */
  readonly autoIfName: string;
  /** The pod's default network: its IPs are the pod IPs. */
  readonly isDefault: boolean;
}

/** How a format names a new unnamed interface in a running sandbox: `<prefix><lowest free n ≥ start>`. */
export interface FreeNameRule {
  readonly prefix: string;
  readonly start: number;
}

/** A pod's network request in the one model. */
export interface PodNetworkRequest {
  /** The format that was used. */
  readonly format: SelectionFormat;
  /** Where it was read: the annotation key, or `spec.networks`. */
  readonly source: string;
  /** Wanted attachments, in ADD order. */
  readonly attachments: readonly WantedAttachment[];
  /** Other formats the pod also carried, ignored by precedence. */
  readonly ignored: readonly SelectionFormat[];
  /** How new unnamed interfaces are named in a running sandbox. */
  readonly freeName: FreeNameRule;
}
