/**
 * An in-memory object source, for programs and tests that hold their objects themselves.
 */
import type { NetworkObject } from '@multinet/cni-types';
import type { ObjectSource } from './object-source.ts';

/** An in-memory object source you can change. */
export interface StaticObjectSource extends ObjectSource {
  /** Adds or replaces a network object. */
  setNetwork(network: NetworkObject): void;
  /** Removes a network object. */
  removeNetwork(namespace: string, name: string): void;
  /** Every network object. */
  listNetworks(): NetworkObject[];
}

/** Creates an in-memory object source holding `networks`. */
export function createStaticObjectSource(networks: readonly NetworkObject[] = []): StaticObjectSource {
  const byKey = new Map(networks.map((n) => [`${n.namespace}/${n.name}`, n]));
  let changed = true;
  return {
    async sync() {
      const was = changed;
      changed = false;
      return was;
    },
    getNetwork: (namespace, name) => byKey.get(`${namespace}/${name}`),
    listNetworks: () => [...byKey.values()],
    setNetwork(network) {
      byKey.set(`${network.namespace}/${network.name}`, network);
      changed = true;
    },
    removeNetwork(namespace, name) {
      changed = byKey.delete(`${namespace}/${name}`) || changed;
    },
  };
}
