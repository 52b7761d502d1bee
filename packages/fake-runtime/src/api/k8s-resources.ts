/**
 * The API resources the Kubernetes source reads: pods of one node and every network object
 * kind, with their paths and how an item becomes a driver object. Pure.
 */
import { parseAnyNetworkObject, type AnyNetworkObject, type NetworkObjectKind } from '@multinet/cni-driver';
import type { PodInput } from './in-memory-api.ts';

/** One listed and watched resource. */
export interface K8sResource {
  /** For logs: `pods`, `network-attachment-definitions`, … */
  readonly name: string;
  /** The collection path (`/api/v1/pods`, `/apis/<group>/<version>/<plural>`). */
  readonly path: string;
  /** Query of list and watch (e.g. the node's field selector). */
  readonly query: Readonly<Record<string, string>>;
  /** List items carry no `apiVersion`/`kind` for core kinds: these are set when missing. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The driver's kind of the objects (none for pods). */
  readonly objectKind?: NetworkObjectKind | undefined;
}

/** Where KEP-3698's kinds are served (the KEP has no API group yet; this is ours, configurable). */
export const KEP_API_GROUP_VERSION = 'multinetwork.k8s.io/v1alpha1';

/** The resources of one node: its pods, then every network object kind. */
export function buildK8sResources(node: string, kepGroupVersion = KEP_API_GROUP_VERSION): K8sResource[] {
  return [
    { name: 'pods', path: '/api/v1/pods', query: { fieldSelector: `spec.nodeName=${node}` }, apiVersion: 'v1', kind: 'Pod' },
    { name: 'network-attachment-definitions', path: '/apis/k8s.cni.cncf.io/v1/network-attachment-definitions', query: {}, apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', objectKind: 'NetworkAttachmentDefinition' },
    { name: 'podnetworks', path: `/apis/${kepGroupVersion}/podnetworks`, query: {}, apiVersion: kepGroupVersion, kind: 'PodNetwork', objectKind: 'PodNetwork' },
    { name: 'podnetworkattachments', path: `/apis/${kepGroupVersion}/podnetworkattachments`, query: {}, apiVersion: kepGroupVersion, kind: 'PodNetworkAttachment', objectKind: 'PodNetworkAttachment' },
    { name: 'networks (alpha.network.k8s.io)', path: '/apis/alpha.network.k8s.io/v1/networks', query: {}, apiVersion: 'alpha.network.k8s.io/v1', kind: 'Network', objectKind: 'Network' },
    { name: 'networks (kubernetes.com)', path: '/apis/kubernetes.com/v1/networks', query: {}, apiVersion: 'kubernetes.com/v1', kind: 'Network', objectKind: 'MultusNetwork' },
  ];
}

/** An API item with `apiVersion`/`kind` filled in from its resource. */
export function completeItem(resource: K8sResource, item: unknown): Record<string, unknown> {
  const object = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  return { ...object, apiVersion: object['apiVersion'] ?? resource.apiVersion, kind: object['kind'] ?? resource.kind };
}

/** A pod item as the in-memory API takes it (KEP `spec.networks` kept raw). */
export function selectPodInput(item: Record<string, unknown>): PodInput | undefined {
  const metadata = item['metadata'] as { name?: unknown; namespace?: unknown; uid?: unknown; annotations?: unknown } | undefined;
  if (typeof metadata?.name !== 'string') return undefined;
  const spec = item['spec'] as { networks?: unknown } | undefined;
  const annotations = typeof metadata.annotations === 'object' && metadata.annotations !== null ? (metadata.annotations as Record<string, string>) : {};
  return {
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : 'default',
    name: metadata.name,
    ...(typeof metadata.uid === 'string' ? { uid: metadata.uid } : {}),
    annotations,
    ...(Array.isArray(spec?.networks) ? { networks: spec.networks } : {}),
  };
}

/**
 * A network object item as the driver takes it.
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the object
 */
export function selectNetworkObject(resource: K8sResource, item: unknown): AnyNetworkObject | undefined {
  return parseAnyNetworkObject(completeItem(resource, item), { file: `${resource.path} (API)` });
}
