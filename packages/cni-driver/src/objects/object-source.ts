/**
 * Where the driver gets network objects: the one thing it asks of an object source. Sources of
 * pods and manifests (the fake runtime's manifests, an API client) live with the runtime that
 * owns pods and hand the driver this view.
 */
import type { AnyNetworkObject, NetworkObject, NetworkObjectKind } from '@multinet/cni-types';

/** A document or object that could not be used, and why. */
export interface ObjectProblem {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

/** What the driver uses of a source of network objects. */
export interface ObjectSource {
  /** Reloads what changed; resolves to true when anything did. */
  sync(): Promise<boolean>;
  /** A network object (the 2017 patch's `Network`) in a namespace. */
  getNetwork(namespace: string, name: string): NetworkObject | undefined;
  /**
   * An object of any network kind (NAD, PodNetwork — namespace `''` —, PodNetworkAttachment,
   * Multus-2017 Network). Sources without it serve the patch's Network objects only.
   */
  getObject?(kind: NetworkObjectKind, namespace: string, name: string): AnyNetworkObject | undefined;
}

/** Looks an object of any kind up in a source. */
export function selectObject(objects: ObjectSource | undefined, kind: NetworkObjectKind, namespace: string, name: string): AnyNetworkObject | undefined {
  if (!objects) return undefined;
  if (kind === 'Network') return objects.getNetwork(namespace, name);
  return objects.getObject?.(kind, namespace, name);
}
