/**
 * The config bytes of networks defined by objects: a NetworkAttachmentDefinition's
 * `spec.config` (name injection, NPWG 3.4.2), a Multus-2017 Network's `plugin` + `args`, and
 * Multus' `cni-args` injection into `args.cni`. Pure.
 */
import { CniError, parseNetworkConfigList, type NetworkConfigList } from '@multinet/cni-types';

/** A config object still missing its cniVersion: the driver asks the plugin (VERSION). */
export interface ObjectConfig {
  /** The conf or conflist as a JSON object. */
  readonly value: Record<string, unknown>;
  /** The single plugin's `type` when the config has no cniVersion of its own. */
  readonly versionFrom?: string | undefined;
}

/**
 * Reads a NAD's `spec.config` as Multus' `GetCNIConfigFromSpec`: a conflist or a single conf
 * (including the thick `{cniVersion,type}`), with `name` set to the NAD name when missing or
 * empty. Its own cniVersion is kept.
 *
 * @throws {CniError} NETWORK_OBJECT_INVALID naming the NAD
 */
export function buildNadConfig(namespace: string, name: string, config: string): ObjectConfig {
  const value = JSON.parse(config) as Record<string, unknown>;
  const fail = (why: string): never => {
    throw new CniError('NETWORK_OBJECT_INVALID', `invalid NetworkAttachmentDefinition "${namespace}/${name}": spec.config: ${why}`, { network: `${namespace}/${name}` });
  };
  if (!Array.isArray(value['plugins']) && typeof value['type'] !== 'string') fail('has neither "type" nor "plugins"');
  if (typeof value['name'] !== 'string' || value['name'] === '') value['name'] = name;
  const versionFrom = value['cniVersion'] === undefined && typeof value['type'] === 'string' ? value['type'] : undefined;
  return { value, ...(versionFrom ? { versionFrom } : {}) };
}

/**
 * The delegate config of a Multus-2017 Network: `{"name": <object>, "type": <plugin>, ...args[0]}`.
 * An `ifnameRequest` (or `interface`) in the args names the interface and is not sent.
 */
export function buildMultusNetworkConfig(name: string, plugin: string, args: Readonly<Record<string, unknown>>): ObjectConfig & { readonly ifName?: string | undefined } {
  const { ifnameRequest, interface: iface, ...rest } = args;
  const ifName = typeof ifnameRequest === 'string' && ifnameRequest ? ifnameRequest : typeof iface === 'string' && iface ? iface : undefined;
  const value: Record<string, unknown> = { ...rest, name, type: plugin };
  return { value, ...(value['cniVersion'] === undefined ? { versionFrom: plugin } : {}), ...(ifName ? { ifName } : {}) };
}

/** Merges `cni-args` into a plugin's `args.cni`, the annotation winning (Multus). */
function injectCniArgs(plugin: Record<string, unknown>, cniArgs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const args = typeof plugin['args'] === 'object' && plugin['args'] !== null ? (plugin['args'] as Record<string, unknown>) : {};
  const cni = typeof args['cni'] === 'object' && args['cni'] !== null ? (args['cni'] as Record<string, unknown>) : {};
  return { ...plugin, args: { ...args, cni: { ...cni, ...cniArgs } } };
}

/**
 * The config list bytes to send: a conf is up-converted as libcni's `ConfListFromConf`; the
 * version is set when the config had none; `cni-args` go into every plugin's `args.cni`.
 *
 * @throws {CniError} CONFIG_INVALID
 */
export function buildObjectConfigList(config: ObjectConfig, cniVersion: string | undefined, cniArgs?: Readonly<Record<string, unknown>>): NetworkConfigList {
  const value = { ...config.value };
  if (value['cniVersion'] === undefined && cniVersion !== undefined) value['cniVersion'] = cniVersion;
  let list: Record<string, unknown> = Array.isArray(value['plugins']) ? value : { cniVersion: value['cniVersion'], name: value['name'], plugins: [value] };
  if (cniArgs && Object.keys(cniArgs).length > 0) {
    list = { ...list, plugins: (list['plugins'] as Array<Record<string, unknown>>).map((p) => injectCniArgs(p, cniArgs)) };
  }
  return parseNetworkConfigList(JSON.stringify(list), { file: `object ${String(value['name'])}` });
}

/**
 * The cni-args applied to a conf network's bytes (a NAD with an empty spec, a conf network named
 * directly): unchanged bytes when there are none.
 */
export function applyCniArgs(list: NetworkConfigList, cniArgs?: Readonly<Record<string, unknown>>): NetworkConfigList {
  if (!cniArgs || Object.keys(cniArgs).length === 0) return list;
  return buildObjectConfigList({ value: JSON.parse(list.bytes) as Record<string, unknown> }, undefined, cniArgs);
}
