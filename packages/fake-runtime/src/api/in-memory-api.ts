/**
 * The fake runtime's in-memory API server: pods and network objects, changeable while the
 * runtime runs, with the pod status the sync loop writes back.
 */
import { EventEmitter } from 'node:events';
import { buildObjectKey, selectObjectKind, type AnyNetworkObject, type NetworkObject, type NetworkObjectKind, type PodIPEntry, type PodNetworkStatus, type SelectionFormat } from '@multinet/cni-driver';
import { derivePodUid } from './pod-uid.ts';

/** A pod as the fake API holds it (the subset of v1 Pod that networking needs). */
export interface ApiPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** KEP-3698 `spec.networks`, passed through to the driver as given. */
  readonly networks?: readonly unknown[] | undefined;
}

/** What the sync loop wrote back for a pod. */
export interface ApiPodStatus {
  readonly sandboxId?: string | undefined;
  readonly netns?: string | undefined;
  /** The pod IPs (default network only). */
  readonly podIPs: readonly string[];
  /** Every attachment, NPWG network-status form. */
  readonly networks: PodNetworkStatus['networks'];
  /**
   * Why the pod's networks could not be set up, when they could not; `causeCode` is the code of
   * the failure underneath (`PLUGIN_TIMEOUT` under `POD_SETUP_FAILED`), when there is one.
   */
  readonly error: { readonly code: string; readonly message: string; readonly causeCode?: string | undefined } | null;
  /** Wanted attachments that are not attached yet (their ADD failed; retried with backoff). */
  readonly failures?: PodNetworkStatus['failures'] | undefined;
  /** The selection format the pod's request was read from (`undefined` when it could not be read). */
  readonly format?: SelectionFormat | undefined;
  /** Other formats the pod carried, ignored by precedence. */
  readonly ignoredFormats?: readonly SelectionFormat[] | undefined;
  /** The `k8s.v1.cni.cncf.io/network-status` annotation as written back. */
  readonly networkStatusAnnotation?: string | undefined;
  /** KEP-3698 `status.podIPs` entries as written back. */
  readonly podIPEntries?: readonly PodIPEntry[] | undefined;
}

/** A pod to add: `uid` and `namespace` may be left out. */
export interface PodInput {
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly uid?: string | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly networks?: readonly unknown[] | undefined;
}

/** A network object as the API holds it: any kind (the patch's Network has no `kind`). */
export type ApiNetworkObject = AnyNetworkObject;

/** Events of the API: something a watcher (the sync loop) should look at. */
export interface ApiEvents {
  podAdded: [pod: ApiPod];
  podDeleted: [pod: ApiPod];
  networkChanged: [network: ApiNetworkObject];
  /** A pod's status was written (the Kubernetes source writes network-status back from it). */
  podStatusWritten: [pod: ApiPod, status: ApiPodStatus];
}

/** The fake API server. */
export interface InMemoryApi extends EventEmitter<ApiEvents> {
  /** Adds or replaces a pod (`namespace` defaults to `default`, `uid` is derived when missing). */
  addPod(pod: PodInput): ApiPod;
  /** Deletes a pod by `namespace/name` (or `name` in `default`); returns whether it existed. */
  deletePod(ref: string): boolean;
  /** A pod by `namespace/name`. */
  getPod(ref: string): ApiPod | undefined;
  /** All pods, in insertion order. */
  listPods(): ApiPod[];
  /** Adds or replaces a network object. */
  setNetwork(network: ApiNetworkObject): void;
  /** Removes a network object (the patch's `Network` unless `kind` says otherwise); returns whether it existed. */
  removeNetwork(namespace: string, name: string, kind?: NetworkObjectKind): boolean;
  /** The patch's Network object of that name. */
  getNetwork(namespace: string, name: string): NetworkObject | undefined;
  /** A network object of any kind (PodNetwork: namespace `''`). */
  getObject(kind: NetworkObjectKind, namespace: string, name: string): ApiNetworkObject | undefined;
  /** All network objects. */
  listNetworks(): ApiNetworkObject[];
  /**
   * Writes a pod's status: of the pod given (its namespace, name and uid must still match), or of
   * the first pod with that uid; ignored when the pod is gone. Each pod has its own status, even
   * when two pods carry one uid.
   */
  setPodStatus(target: string | ApiPod, status: ApiPodStatus): void;
  /** A pod's status by `namespace/name`. */
  getPodStatus(ref: string): ApiPodStatus | undefined;
}

/** Splits `namespace/name` (or `name`, in `default`). */
export function parsePodRef(ref: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  return slash < 0 ? { namespace: 'default', name: ref } : { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}

const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Creates an empty in-memory API. */
export function createInMemoryApi(): InMemoryApi {
  const pods = new Map<string, ApiPod>();
  const networks = new Map<string, ApiNetworkObject>();
  /** By `namespace/name`, with the uid the status was written for. */
  const statuses = new Map<string, { readonly uid: string; readonly status: ApiPodStatus }>();
  const emitter = new EventEmitter<ApiEvents>();

  const api = Object.assign(emitter, {
    addPod(input: PodInput): ApiPod {
      const namespace = input.namespace ?? 'default';
      const pod: ApiPod = {
        namespace,
        name: input.name,
        uid: input.uid ?? derivePodUid(namespace, input.name),
        annotations: { ...(input.annotations ?? {}) },
        networks: input.networks,
      };
      const previous = pods.get(keyOf(namespace, input.name));
      if (previous && previous.uid !== pod.uid) {
        statuses.delete(keyOf(namespace, input.name));
        emitter.emit('podDeleted', previous);
      }
      pods.set(keyOf(namespace, input.name), pod);
      emitter.emit('podAdded', pod);
      return pod;
    },
    deletePod(ref: string): boolean {
      const { namespace, name } = parsePodRef(ref);
      const pod = pods.get(keyOf(namespace, name));
      if (!pod) return false;
      pods.delete(keyOf(namespace, name));
      statuses.delete(keyOf(namespace, name));
      emitter.emit('podDeleted', pod);
      return true;
    },
    getPod(ref: string): ApiPod | undefined {
      const { namespace, name } = parsePodRef(ref);
      return pods.get(keyOf(namespace, name));
    },
    listPods: (): ApiPod[] => [...pods.values()],
    setNetwork(network: ApiNetworkObject): void {
      networks.set(buildObjectKey(selectObjectKind(network), network.namespace, network.name), network);
      emitter.emit('networkChanged', network);
    },
    removeNetwork(namespace: string, name: string, kind: NetworkObjectKind = 'Network'): boolean {
      const key = buildObjectKey(kind, namespace, name);
      const network = networks.get(key);
      if (!network) return false;
      networks.delete(key);
      emitter.emit('networkChanged', network);
      return true;
    },
    getNetwork: (namespace: string, name: string) => networks.get(buildObjectKey('Network', namespace, name)) as NetworkObject | undefined,
    getObject: (kind: NetworkObjectKind, namespace: string, name: string) => networks.get(buildObjectKey(kind, namespace, name)),
    listNetworks: (): ApiNetworkObject[] => [...networks.values()],
    setPodStatus(target: string | ApiPod, status: ApiPodStatus): void {
      const pod = typeof target === 'string' ? [...pods.values()].find((p) => p.uid === target) : pods.get(keyOf(target.namespace, target.name));
      if (!pod || (typeof target !== 'string' && pod.uid !== target.uid)) return;
      statuses.set(keyOf(pod.namespace, pod.name), { uid: pod.uid, status });
      emitter.emit('podStatusWritten', pod, status);
    },
    getPodStatus(ref: string): ApiPodStatus | undefined {
      const pod = api.getPod(ref);
      const entry = pod ? statuses.get(keyOf(pod.namespace, pod.name)) : undefined;
      return entry && entry.uid === pod?.uid ? entry.status : undefined;
    },
  });
  return api;
}
