/**
 * Where the driver gets network objects: the one thing it asks of an object source. Sources of
 * pods and manifests (the fake runtime's manifests, an API client) live with the runtime that
 * owns pods and hand the driver this view.
 */
import type { NetworkObject } from '@multinet/cni-types';

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
  /** A network object in a namespace. */
  getNetwork(namespace: string, name: string): NetworkObject | undefined;
}
