/**
 * Keeps the fake API in step with manifest files: what the manifests add, change or drop is
 * applied to the API on each sync; pods and networks added programmatically are left alone.
 */
import { buildObjectKey, selectObjectKind, type AnyNetworkObject, type Logger, type ObjectProblem } from '@multinet/cni-driver';
import { createManifestObjectSource } from './manifest-source.ts';
import type { InMemoryApi } from './in-memory-api.ts';

/** Options of {@link createManifestLoader}. */
export interface ManifestLoaderOptions {
  readonly paths: readonly string[];
  readonly api: InMemoryApi;
  readonly watch: boolean;
  /** Larger manifest files are skipped unread (`MANIFEST_TOO_LARGE`). @default 1 MiB */
  readonly maxManifestBytes?: number | undefined;
  readonly logger?: Logger | undefined;
}

/** Applies manifest changes to the API. */
export interface ManifestLoader {
  /** Reloads (when changed) and applies the difference; resolves to whether anything changed. */
  sync(): Promise<boolean>;
  readonly problems: readonly ObjectProblem[];
  close(): Promise<void>;
}

/**
 * Creates the loader; call `sync()` once to load.
 *
 * @throws {TypeError} for a relative path or a `maxManifestBytes` that is not a positive whole number
 */
export function createManifestLoader(options: ManifestLoaderOptions): ManifestLoader {
  const source = createManifestObjectSource({ paths: options.paths, watch: options.watch, maxManifestBytes: options.maxManifestBytes, logger: options.logger });
  let ownPods = new Map<string, string>(); // ns/name → JSON of what the manifest said
  let ownNetworks = new Map<string, string>();
  return {
    get problems() {
      return source.problems;
    },
    async sync() {
      const changed = await source.sync();
      if (!changed) return false;
      const pods = new Map(source.listPods().map((p) => [`${p.namespace}/${p.name}`, p]));
      for (const key of ownPods.keys()) if (!pods.has(key)) options.api.deletePod(key);
      for (const [key, pod] of pods) {
        const text = JSON.stringify(pod);
        if (ownPods.get(key) !== text || !options.api.getPod(key)) options.api.addPod(pod);
      }
      ownPods = new Map([...pods].map(([key, pod]) => [key, JSON.stringify(pod)]));
      const networks = new Map(source.listNetworks().map((n) => [buildObjectKey(selectObjectKind(n), n.namespace, n.name), n]));
      for (const [key, text] of ownNetworks) {
        if (!networks.has(key)) {
          const gone = JSON.parse(text) as AnyNetworkObject;
          options.api.removeNetwork(gone.namespace, gone.name, selectObjectKind(gone));
        }
      }
      for (const [key, network] of networks) if (ownNetworks.get(key) !== JSON.stringify(network)) options.api.setNetwork(network);
      ownNetworks = new Map([...networks].map(([key, n]) => [key, JSON.stringify(n)]));
      return true;
    },
    close: () => source.close(),
  };
}
