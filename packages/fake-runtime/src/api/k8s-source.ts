/**
 * The Kubernetes API as the fake runtime's source: one node's pods and every network object kind
 * are listed and watched into the in-memory API; each pod's network-status annotation is written
 * back with a merge patch. Teardown never waits on the API: a pod leaves the in-memory API when
 * its DELETED event (or a relist without it) arrives, and status writes are fire-and-forget with
 * bounded retries.
 */
import { isCniError, NETWORK_STATUS_ANNOTATION, selectObjectKind, SILENT_LOGGER, type AnyNetworkObject, type Logger } from '@multinet/cni-driver';
import type { ApiPod, ApiPodStatus, InMemoryApi } from './in-memory-api.ts';
import { createK8sClient, loadKubeConfig, type K8sClient } from './k8s-client.ts';
import { selectBackoffDelay, startReflector, type Reflector, type ReflectorBackoff } from './k8s-reflector.ts';
import { buildK8sResources, selectNetworkObject, selectPodInput, type K8sResource } from './k8s-resources.ts';

/** Options of {@link startK8sSource}. */
export interface K8sSourceOptions {
  /** The kubeconfig file. */
  readonly kubeconfig: string;
  /** The node whose pods this runtime runs (`spec.nodeName`). */
  readonly node: string;
  /** The in-memory API the runtime works on. */
  readonly api: InMemoryApi;
  /** @default silent */
  readonly logger?: Logger | undefined;
  /** Backoff of lists, watches and patches. */
  readonly backoff?: ReflectorBackoff | undefined;
  /** Attempts of one status patch before it is dropped (the next status write retries). @default 5 */
  readonly patchAttempts?: number | undefined;
  /** Where KEP-3698 kinds are served. @default 'multinetwork.k8s.io/v1alpha1' */
  readonly kepGroupVersion?: string | undefined;
  /** A client to use instead of one made from the kubeconfig. */
  readonly client?: K8sClient | undefined;
}

/** The running source. */
export interface K8sSource {
  /** Resolves once every resource was listed once. */
  readonly synced: Promise<void>;
  /** Resolves when every status patch queued so far has finished (or given up). */
  flush(): Promise<void>;
  /** Lists made per resource (relists included). */
  listCounts(): Record<string, number>;
  /** Stops watching; pending patches are left to finish. */
  close(): Promise<void>;
}

const podKey = (pod: { namespace?: string | undefined; name: string }): string => `${pod.namespace ?? 'default'}/${pod.name}`;

/** Starts listing and watching. */
export function startK8sSource(options: K8sSourceOptions): K8sSource {
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'k8s' });
  const client = options.client ?? createK8sClient(loadKubeConfig(options.kubeconfig));
  const { api } = options;
  const resources = buildK8sResources(options.node, options.kepGroupVersion);
  const reflectors = new Map<string, Reflector>();
  /** What the API last showed of each pod's network-status annotation. */
  const apiStatus = new Map<string, string | undefined>();

  const applyPod = (type: 'ADDED' | 'MODIFIED' | 'DELETED', item: unknown): void => {
    const pod = selectPodInput(item as Record<string, unknown>);
    if (!pod) return;
    if (type === 'DELETED') {
      apiStatus.delete(podKey(pod));
      api.deletePod(podKey(pod));
      return;
    }
    apiStatus.set(podKey(pod), pod.annotations?.[NETWORK_STATUS_ANNOTATION]);
    const current = api.getPod(podKey(pod));
    const { [NETWORK_STATUS_ANNOTATION]: _, ...rest } = pod.annotations ?? {};
    // Our own status patch comes back as MODIFIED; the request itself did not change.
    if (current && current.uid === pod.uid && JSON.stringify([current.annotations, current.networks]) === JSON.stringify([rest, pod.networks])) return;
    api.addPod({ ...pod, annotations: rest });
  };

  const applyNetwork = (resource: K8sResource, type: 'ADDED' | 'MODIFIED' | 'DELETED', item: unknown): void => {
    let network: AnyNetworkObject | undefined;
    try {
      network = selectNetworkObject(resource, item);
    } catch (error) {
      logger.warn({ err: error, code: isCniError(error) ? error.code : undefined }, 'skipping a network object');
      if (type !== 'DELETED') return;
    }
    if (!network) return;
    if (type === 'DELETED') api.removeNetwork(network.namespace, network.name, selectObjectKind(network));
    else api.setNetwork(network);
  };

  const replaceNetworks = (resource: K8sResource, items: readonly unknown[]): void => {
    const keep = new Set<string>();
    for (const item of items) {
      applyNetwork(resource, 'ADDED', item);
      const meta = (item as { metadata?: { name?: string; namespace?: string } } | null)?.metadata;
      keep.add(`${resource.objectKind === 'PodNetwork' ? '' : (meta?.namespace ?? 'default')}/${meta?.name}`);
    }
    for (const network of api.listNetworks()) {
      if (selectObjectKind(network) !== resource.objectKind) continue;
      if (!keep.has(`${network.namespace}/${network.name}`)) api.removeNetwork(network.namespace, network.name, resource.objectKind);
    }
  };

  for (const resource of resources) {
    const isPods = resource.kind === 'Pod';
    reflectors.set(
      resource.name,
      startReflector(
        client,
        resource,
        {
          replace(items) {
            if (isPods) {
              const keep = new Set<string>();
              for (const item of items) {
                applyPod('ADDED', item);
                const pod = selectPodInput(item as Record<string, unknown>);
                if (pod) keep.add(podKey(pod));
              }
              for (const pod of api.listPods()) if (!keep.has(podKey(pod))) api.deletePod(podKey(pod));
            } else replaceNetworks(resource, items);
          },
          event(type, object) {
            if (isPods) applyPod(type, object);
            else applyNetwork(resource, type, object);
          },
        },
        { backoff: options.backoff, logger },
      ),
    );
  }

  let pending: Promise<void> = Promise.resolve();
  const attempts = options.patchAttempts ?? 5;
  const writeStatus = async (pod: ApiPod, status: ApiPodStatus): Promise<void> => {
    const value = status.networkStatusAnnotation;
    if (value === undefined || apiStatus.get(podKey(pod)) === value) return;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await client.patchPodAnnotations(pod.namespace, pod.name, { [NETWORK_STATUS_ANNOTATION]: value });
        apiStatus.set(podKey(pod), value);
        return;
      } catch (error) {
        if (!api.getPod(podKey(pod)) || (error as { code?: number }).code === 404) return; // the pod is gone
        logger.warn({ err: error, pod: podKey(pod), attempt }, 'network-status patch failed');
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, selectBackoffDelay(attempt, options.backoff)));
      }
    }
  };
  const onStatus = (pod: ApiPod, status: ApiPodStatus): void => {
    pending = pending.then(() => writeStatus(pod, status));
  };
  api.on('podStatusWritten', onStatus);

  return {
    synced: Promise.all([...reflectors.values()].map((r) => r.synced)).then(() => undefined),
    flush: () => pending,
    listCounts: () => Object.fromEntries([...reflectors].map(([name, r]) => [name, r.lists])),
    async close() {
      api.off('podStatusWritten', onStatus);
      for (const reflector of reflectors.values()) reflector.stop();
    },
  };
}
