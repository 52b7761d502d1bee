/**
 * The 2017 patch's resolution of a network name: a `Network` object (thin or thick), else a conf
 * network of that name. Pure.
 */
import { CniError, type NetworkConfigList } from '@multinet/cni-types';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';
import type { ObjectSource } from '../objects/object-source.ts';

/** How a requested network resolved. */
export type ResolvedNetwork =
  | { readonly kind: 'conf'; readonly list: NetworkConfigList }
  | { readonly kind: 'thick'; readonly objectName: string; readonly pluginType: string; readonly pluginPath: string };

/**
 * Resolves one requested network in the pod's namespace (or the one it names). A Network object
 * with an empty `spec.plugin` is thin: the conf network of the object's name. A non-empty one is
 * thick: that binary — unless a conf network has that name, which wins (as in the patch). With no
 * object of that name, a conf network of that name is used directly (the patch required an
 * object; we accept the conf network a runtime author plainly means).
 *
 * @throws {CniError} NETWORK_NOT_FOUND naming the network and what is missing
 */
export function resolveNetwork(selection: { readonly namespace?: string | undefined; readonly name: string }, podNamespace: string, catalog: CatalogSnapshot, objects?: ObjectSource): ResolvedNetwork {
  const namespace = selection.namespace ?? podNamespace;
  const object = objects?.getNetwork(namespace, selection.name);
  const missing = (what: string): never => {
    throw new CniError('NETWORK_NOT_FOUND', `network "${namespace}/${selection.name}" is not available: ${what}`, { network: `${namespace}/${selection.name}` });
  };
  if (!object) {
    const list = catalog.networks.get(selection.name)?.list;
    if (list) return { kind: 'conf', list };
    return missing(`no Network object "${selection.name}" in namespace "${namespace}" and no conf network of that name`);
  }
  if (object.plugin === undefined) {
    const list = catalog.networks.get(object.name)?.list;
    return list ? { kind: 'conf', list } : missing(`thin network object, but no conf network named "${object.name}" in the conf dir`);
  }
  const conf = catalog.networks.get(object.plugin)?.list;
  if (conf) return { kind: 'conf', list: conf };
  const plugin = catalog.plugins.get(object.plugin);
  return plugin
    ? { kind: 'thick', objectName: object.name, pluginType: plugin.name, pluginPath: plugin.path }
    : missing(`thick network object names plugin "${object.plugin}", which is not in the plugin dirs`);
}
