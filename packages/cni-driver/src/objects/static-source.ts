/**
 * An in-memory object source, for programs and tests that hold their objects themselves.
 */
import { buildObjectKey, selectObjectKind, type AnyNetworkObject, type NetworkObject } from '@multinet/cni-types';
import type { ObjectSource } from './object-source.ts';

/** An in-memory object source you can change. */
export interface StaticObjectSource extends ObjectSource {
  /** Adds or replaces a network object of any kind. */
  setNetwork(network: AnyNetworkObject): void;
  /** Removes a network object (the patch's `Network` unless `kind` says otherwise). */
  removeNetwork(namespace: string, name: string, kind?: AnyNetworkObject['kind']): void;
  /** Every network object. */
  listNetworks(): AnyNetworkObject[];
}

/** Creates an in-memory object source holding `networks` (objects of any kind). */
export function createStaticObjectSource(networks: readonly AnyNetworkObject[] = []): StaticObjectSource {
  const keyOf = (n: AnyNetworkObject): string => buildObjectKey(selectObjectKind(n), n.namespace, n.name);
  const byKey = new Map(networks.map((n) => [keyOf(n), n]));
  let changed = true;
  return {
    async sync() {
      const was = changed;
      changed = false;
      return was;
    },
    getNetwork: (namespace, name) => byKey.get(buildObjectKey('Network', namespace, name)) as NetworkObject | undefined,
    getObject: (kind, namespace, name) => byKey.get(buildObjectKey(kind, namespace, name)),
    listNetworks: () => [...byKey.values()],
    setNetwork(network) {
      byKey.set(keyOf(network), network);
      changed = true;
    },
    removeNetwork(namespace, name, kind) {
      changed = byKey.delete(buildObjectKey(kind ?? 'Network', namespace, name)) || changed;
    },
  };
}
