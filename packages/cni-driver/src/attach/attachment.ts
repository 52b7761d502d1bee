/**
 * The driver's one model of an attachment: one network on one interface of a sandbox, with the
 * exact config bytes its plugins get. Plans are lists of these; records add what happened.
 * An attachment's identity is (network reference, interface name).
 */
import { z } from 'zod';
import type { CniArgs } from '@multinet/cni-types';

/** Where an attachment's config came from. */
export const ATTACHMENT_SOURCES = ['conf', 'thick', 'loopback', 'object'] as const;

/**
 * What an attachment does to the sandbox's default routes once its ADD succeeded (NPWG
 * `default-route`, as Multus applies it): remove this interface's default routes of
 * `removeFamilies`, then add one via each of `gateways` on it. The same edit is made to the
 * attachment's result. Absent when no attachment of the pod carries `default-route`.
 */
export interface DefaultRoutePlan {
  /** IP families whose default routes leave this interface (and its result). */
  readonly removeFamilies: ReadonlyArray<4 | 6>;
  /** Gateways this interface gets a default route via (at most one per family per pod). */
  readonly gateways: readonly string[];
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
  readonly source: (typeof ATTACHMENT_SOURCES)[number];
  /** Default routes to remove and add once made (NPWG `default-route`). @default none */
  readonly defaultRoutes?: DefaultRoutePlan | undefined;
}

/** The schema of {@link PlannedAttachment} as it is stored (the record schema extends it). */
export const PlannedAttachmentSchema = z.strictObject({
  network: z.string().min(1),
  networkName: z.string().min(1),
  ifName: z.string().min(1),
  isDefault: z.boolean(),
  source: z.enum(ATTACHMENT_SOURCES),
  configText: z.string(),
  cniVersion: z.string(),
  cniArgs: z.array(z.tuple([z.string(), z.string()])),
  capabilityArgs: z.record(z.string(), z.unknown()),
  defaultRoutes: z
    .strictObject({ removeFamilies: z.array(z.union([z.literal(4), z.literal(6)])), gateways: z.array(z.string()) })
    .optional(),
});

/** The identity of an attachment: its network reference and its interface name. */
export interface AttachmentRef {
  /** The network reference (`namespace/name`, or the conf network name). */
  readonly network: string;
  /** The interface name in the sandbox. */
  readonly ifName: string;
}

/** A stable map key of an attachment's identity. */
export const buildAttachmentKey = (attachment: AttachmentRef): string => `${attachment.network}\u0000${attachment.ifName}`;

/** The identity alone, for reports. */
export const selectAttachmentRef = (attachment: AttachmentRef): AttachmentRef => ({ network: attachment.network, ifName: attachment.ifName });

// The stored form must stay assignable to the planned one (the record is derived from the plan).
type Stored = z.infer<typeof PlannedAttachmentSchema>;
const storedIsPlanned = (stored: Stored): PlannedAttachment => stored;
void storedIsPlanned;
