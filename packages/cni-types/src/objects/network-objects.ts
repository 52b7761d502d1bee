/**
 * Every network object kind the driver reads, as one union, and one parser that picks the kind
 * from `apiVersion`/`kind`. Pure.
 */
import { NETWORK_OBJECT_API_VERSION, parseNetworkObject, type NetworkObject } from './network-object.ts';
import { MULTUS2017_NETWORK_API_VERSION, parseMultusNetwork, type MultusNetworkObject } from './multus-network.ts';
import { NAD_API_VERSION, parseNetAttachDef, type NetAttachDef } from './net-attach-def.ts';
import { parsePodNetwork, parsePodNetworkAttachment, type PodNetworkAttachmentObject, type PodNetworkObject } from './pod-network.ts';
import type { ObjectSourceRef } from './object-metadata.ts';

export * from './net-attach-def.ts';
export * from './pod-network.ts';
export * from './multus-network.ts';

/** Any network object: the patch's Network, a NAD, a PodNetwork(Attachment), Multus-2017's Network. */
export type AnyNetworkObject = NetworkObject | NetAttachDef | PodNetworkObject | PodNetworkAttachmentObject | MultusNetworkObject;

/** The kind names of {@link AnyNetworkObject} (`Network` is the patch's). */
export type NetworkObjectKind = 'Network' | 'NetworkAttachmentDefinition' | 'PodNetwork' | 'PodNetworkAttachment' | 'MultusNetwork';

/** The kind of an object (`Network` when unset, as the patch's objects were). */
export const selectObjectKind = (object: AnyNetworkObject): NetworkObjectKind => object.kind ?? 'Network';

/** A stable map key for an object: kind, namespace, name. */
export const buildObjectKey = (kind: NetworkObjectKind, namespace: string, name: string): string => `${kind}\u0000${namespace}\u0000${name}`;

/**
 * Parses a manifest or API item into a network object, or `undefined` when it is no network
 * kind (a Pod, a ConfigMap, …).
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the object, file and field
 */
export function parseAnyNetworkObject(value: unknown, source?: ObjectSourceRef): AnyNetworkObject | undefined {
  const { apiVersion, kind } = (value ?? {}) as { apiVersion?: unknown; kind?: unknown };
  if (kind === 'Network') return apiVersion === MULTUS2017_NETWORK_API_VERSION ? parseMultusNetwork(value, source) : parseNetworkObject(value, source);
  if (kind === 'NetworkAttachmentDefinition') return parseNetAttachDef(value, source);
  if (kind === 'PodNetwork') return parsePodNetwork(value, source);
  if (kind === 'PodNetworkAttachment') return parsePodNetworkAttachment(value, source);
  void NETWORK_OBJECT_API_VERSION;
  void NAD_API_VERSION;
  return undefined;
}
