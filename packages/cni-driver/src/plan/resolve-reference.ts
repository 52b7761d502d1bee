/**
 * From a wanted attachment's network reference to what to run: a conf network, a thick plugin,
 * or a config built from an object. Pure (lookups in the catalog and the object source).
 */
import {
  CniError,
  type NetAttachDef,
  type NetworkConfigList,
  type NetworkReference,
  type ParametersRef,
  type PodNetworkAttachmentObject,
  type PodNetworkObject,
  type MultusNetworkObject,
} from '@multinet/cni-types';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';
import { selectObject, type ObjectSource } from '../objects/object-source.ts';
import { buildMultusNetworkConfig, buildNadConfig, type ObjectConfig } from './object-config.ts';
import { resolveNetwork } from './resolve-network.ts';

/** What a reference resolved to, with the network reference string the attachment keeps. */
export type ResolvedReference =
  | { readonly kind: 'conf'; readonly network: string; readonly list: NetworkConfigList }
  | { readonly kind: 'thick'; readonly network: string; readonly objectName: string; readonly pluginType: string; readonly pluginPath: string }
  | { readonly kind: 'object'; readonly network: string; readonly config: ObjectConfig; readonly ifName?: string | undefined };

const NAD_KINDS = new Set(['network-attachment-definitions', 'NetworkAttachmentDefinition', 'net-attach-def']);

function notFound(ref: string, what: string): never {
  throw new CniError('NETWORK_NOT_FOUND', `network "${ref}" is not available: ${what}`, { network: ref });
}

function clusterDefault(catalog: CatalogSnapshot): ResolvedReference {
  const network = catalog.defaultNetwork;
  if (!network) throw new CniError('NO_DEFAULT_NETWORK', 'no valid network config in the conf dir to serve as the default network');
  return { kind: 'conf', network: network.name, list: network.list };
}

/**
 * A NAD, as NPWG 3.4.1: `spec.config` when given; an empty spec is the conf dir's network of the
 * NAD's name. With no NAD at all, a conf network of that name is used (an extension: Multus fails).
 */
function resolveNad(namespace: string, name: string, catalog: CatalogSnapshot, objects: ObjectSource | undefined, network = `${namespace}/${name}`): ResolvedReference {
  const nad = selectObject(objects, 'NetworkAttachmentDefinition', namespace, name) as NetAttachDef | undefined;
  if (nad?.config) return { kind: 'object', network, config: buildNadConfig(namespace, name, nad.config) };
  const list = catalog.networks.get(name)?.list;
  if (list) return { kind: 'conf', network, list };
  return notFound(
    network,
    nad ? `no network available in the name ${name} in the conf dir (the NetworkAttachmentDefinition has an empty spec)` : `cannot find a network-attachment-definition (${name}) in namespace (${namespace}), nor a conf network of that name`,
  );
}

function resolveParameters(network: string, refs: readonly ParametersRef[], podNamespace: string, catalog: CatalogSnapshot, objects: ObjectSource | undefined): ResolvedReference | undefined {
  const [ref] = refs;
  if (!ref) return undefined;
  if (ref.group !== 'k8s.cni.cncf.io' || !NAD_KINDS.has(ref.kind)) {
    return notFound(network, `parametersRefs[0] names ${ref.group}/${ref.kind}, and only k8s.cni.cncf.io network-attachment-definitions are supported`);
  }
  const resolved = resolveNad(ref.namespace ?? podNamespace, ref.name, catalog, objects);
  return { ...resolved, network };
}

function selectPodNetwork(name: string, objects: ObjectSource | undefined, via: string): PodNetworkObject | undefined {
  const podNetwork = selectObject(objects, 'PodNetwork', '', name) as PodNetworkObject | undefined;
  if (!podNetwork && name !== 'default') {
    throw new CniError('POD_NETWORK_NOT_FOUND', `${via}: PodNetwork "${name}" does not exist`, { network: name });
  }
  if (podNetwork && !podNetwork.enabled) {
    throw new CniError('POD_NETWORK_DISABLED', `${via}: PodNetwork "${name}" is disabled (spec.enabled: false; Ready=False, AdministrativelyDisabled)`, { network: name });
  }
  return podNetwork;
}

/** A PodNetwork: its NAD parameters, else `default` as the cluster default, else the conf network of its name. */
function resolvePodNetwork(name: string, refs: readonly ParametersRef[] | undefined, podNamespace: string, catalog: CatalogSnapshot, objects: ObjectSource | undefined, via: string): ResolvedReference {
  const podNetwork = selectPodNetwork(name, objects, via);
  const params = resolveParameters(name, refs ?? podNetwork?.parametersRefs ?? [], podNamespace, catalog, objects);
  if (params) return params;
  if (name === 'default') return { ...clusterDefault(catalog), network: 'default' };
  const list = catalog.networks.get(name)?.list;
  return list ? { kind: 'conf', network: name, list } : notFound(name, `PodNetwork "${name}" has no parametersRefs and no conf network has its name`);
}

function resolveGenie(name: string, catalog: CatalogSnapshot): ResolvedReference {
  // Genie matches the text between the last "-" and the extension of a conf file name.
  for (const network of catalog.networks.values()) {
    const base = network.file.split('/').pop()!.replace(/\.[^.]*$/, '');
    if (base.slice(base.lastIndexOf('-') + 1) === name) return { kind: 'conf', network: name, list: network.list };
  }
  const list = catalog.networks.get(name)?.list;
  return list ? { kind: 'conf', network: name, list } : notFound(name, `User requested for unsupported plugin type ${name}: no conf file is named after it`);
}

function resolveMultusNetwork(namespace: string, name: string, catalog: CatalogSnapshot, objects: ObjectSource | undefined): ResolvedReference {
  const network = `${namespace}/${name}`;
  const object = selectObject(objects, 'MultusNetwork', namespace, name) as MultusNetworkObject | undefined;
  if (object) {
    const { ifName, ...config } = buildMultusNetworkConfig(name, object.plugin, object.args);
    return { kind: 'object', network, config, ...(ifName ? { ifName } : {}) };
  }
  const list = catalog.networks.get(name)?.list;
  return list ? { kind: 'conf', network, list } : notFound(network, `no Network (kubernetes.com/v1) "${name}" in namespace "${namespace}" and no conf network of that name`);
}

/**
 * Resolves one reference of a pod in `podNamespace`.
 *
 * @throws {CniError} NETWORK_NOT_FOUND, NO_DEFAULT_NETWORK, POD_NETWORK_NOT_FOUND,
 *   POD_NETWORK_DISABLED, NETWORK_OBJECT_INVALID
 */
export function resolveReference(ref: NetworkReference, podNamespace: string, catalog: CatalogSnapshot, objects?: ObjectSource): ResolvedReference {
  const namespace = ref.namespace ?? podNamespace;
  switch (ref.kind) {
    case 'cluster-default':
      return clusterDefault(catalog);
    case 'network': {
      const resolved = resolveNetwork({ namespace, name: ref.name }, podNamespace, catalog, objects);
      const network = `${namespace}/${ref.name}`;
      return resolved.kind === 'conf' ? { kind: 'conf', network, list: resolved.list } : { ...resolved, network };
    }
    case 'nad':
    case 'danm-network':
      return resolveNad(namespace, ref.name, catalog, objects);
    case 'pod-network':
      return resolvePodNetwork(ref.name, undefined, podNamespace, catalog, objects, `spec.networks podNetworkName "${ref.name}"`);
    case 'pod-network-attachment': {
      const via = `spec.networks podNetworkAttachmentName "${ref.name}"`;
      const attachment = selectObject(objects, 'PodNetworkAttachment', namespace, ref.name) as PodNetworkAttachmentObject | undefined;
      if (!attachment) throw new CniError('POD_NETWORK_NOT_FOUND', `${via}: PodNetworkAttachment "${namespace}/${ref.name}" does not exist`, { network: `${namespace}/${ref.name}` });
      return resolvePodNetwork(attachment.podNetworkName, attachment.parametersRefs.length ? attachment.parametersRefs : undefined, podNamespace, catalog, objects, via);
    }
    case 'genie-plugin':
      return resolveGenie(ref.name, catalog);
    case 'multus-network':
      return resolveMultusNetwork(namespace, ref.name, catalog, objects);
  }
}
