/**
 * Where network objects (and, for harnesses, pods) come from: manifests, memory, or an API.
 * One interface, one file per source.
 */
import type { NetworkObject, PodManifest } from '@multinet/cni-types';

/** A manifest document that could not be used, and why. */
export interface ObjectProblem {
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

/** A source of network objects. */
export interface ObjectSource {
  /** Reloads what changed; resolves to true when anything did. */
  sync(): Promise<boolean>;
  /** A network object in a namespace. */
  getNetwork(namespace: string, name: string): NetworkObject | undefined;
  /** Every network object. */
  listNetworks(): NetworkObject[];
  /** Every pod the source describes (manifest sources; others return []). */
  listPods(): PodManifest[];
  /** Documents skipped at the last sync. */
  readonly problems: readonly ObjectProblem[];
  /** Stops watching. */
  close(): Promise<void>;
}
