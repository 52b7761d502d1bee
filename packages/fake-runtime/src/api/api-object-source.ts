/**
 * The fake API as the driver's object source: network objects as the API holds them now.
 */
import type { NetworkObject, ObjectSource } from '@multinet/cni-driver';
import type { InMemoryApi } from './in-memory-api.ts';

/** Serves the API's network objects to the driver; `sync` reports whether they changed. */
export function createApiObjectSource(api: InMemoryApi): ObjectSource {
  let changed = true;
  api.on('networkChanged', () => {
    changed = true;
  });
  return {
    async sync() {
      const was = changed;
      changed = false;
      return was;
    },
    getNetwork: (namespace, name): NetworkObject | undefined => api.getNetwork(namespace, name),
    getObject: (kind, namespace, name) => api.getObject(kind, namespace, name),
  };
}
