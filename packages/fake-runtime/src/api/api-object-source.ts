/**
 * The fake API as the driver's object source: network objects as the API holds them now.
 */
import type { NetworkObject, ObjectSource, PodManifest } from '@multinet/cni-driver';
import type { InMemoryApi } from './in-memory-api.ts';
import type { ManifestLoader } from './manifest-loader.ts';

/** Serves the API's network objects to the driver; `sync` reports whether they changed. */
export function createApiObjectSource(api: InMemoryApi, manifests?: ManifestLoader): ObjectSource {
  let changed = true;
  api.on('networkChanged', () => {
    changed = true;
  });
  return {
    get problems() {
      return manifests?.problems ?? [];
    },
    async sync() {
      const was = changed;
      changed = false;
      return was;
    },
    getNetwork: (namespace, name): NetworkObject | undefined => api.getNetwork(namespace, name),
    listNetworks: () => api.listNetworks(),
    listPods: (): PodManifest[] => api.listPods().map((p) => ({ namespace: p.namespace, name: p.name, uid: p.uid, annotations: p.annotations })),
    async close() {},
  };
}
