/**
 * From a pod sandbox to its plan: which networks, in which order, on which interfaces, with
 * which exact config bytes. Pure but for the VERSION calls of thick plugins (cached).
 */
import {
  CniError,
  parseNetworkConfigList,
  parseNetworkSelection,
  type NetworkConfigList,
  type NetworkSelection,
} from '@multinet/cni-types';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';
import type { ObjectSource } from '../objects/object-source.ts';
import type { PlannedAttachment } from '../attach/attachment.ts';
import type { PodPlan, PodSandbox } from '../pod/pod-types.ts';
import { assignInterfaceNames } from './interface-names.ts';
import { validatePodPlan } from './validate-plan.ts';
import { buildCapabilityArgs, buildPodArgs } from './pod-args.ts';
import { buildLoopbackConfig, buildThickConfig } from './thick-config.ts';

/** What planning needs. */
export interface BuildPodPlanInput {
  readonly sandbox: PodSandbox;
  readonly catalog: CatalogSnapshot;
  readonly objects?: ObjectSource | undefined;
  /** Picks the version of a thick plugin (VERSION, cached per binary). */
  readonly negotiate: (pluginType: string, pluginPath: string) => Promise<string>;
  /** Bring `lo` up first with the loopback plugin (when the bin dirs have it). */
  readonly loopback: boolean;
  /** Kubeconfig handed to thick plugins. */
  readonly kubeconfig?: string | undefined;
  /**
   * The attachments the sandbox already has: their interfaces keep their names, and one whose
   * network can no longer be resolved (its conf file or object is gone) is kept as it was made.
   * @default none
   */
  readonly existing?: readonly PlannedAttachment[] | undefined;
}

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
 * @throws {CniError} NETWORK_NOT_FOUND naming the pod, the network and what is missing
 */
export function resolveNetwork(selection: NetworkSelection, podNamespace: string, catalog: CatalogSnapshot, objects?: ObjectSource): ResolvedNetwork {
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

/**
 * Builds the plan of a sandbox. No selection annotation: the default network alone, on eth0 (as
 * before multi-network). Otherwise the list is exhaustive and its first entry is the default
 * network; a network listed twice is attached twice. Loopback, when enabled and installed, comes
 * first on `lo`.
 *
 * Everything ADD and DEL will check is checked here, before anything is recorded or run.
 *
 * @throws {CniError} SELECTION_INVALID, INTERFACE_NAME_INVALID, INTERFACE_NAME_CONFLICT,
 *   NETWORK_NOT_FOUND, NO_DEFAULT_NETWORK, VERSION_INCOMPATIBLE, CNI_ARGS_INVALID,
 *   CONTAINER_ID_INVALID, PLUGIN_TYPE_INVALID, NETNS_UNSAFE
 */
export async function buildPodPlan(input: BuildPodPlanInput): Promise<PodPlan> {
  const { sandbox, catalog } = input;
  const podRef = `${sandbox.pod.namespace}/${sandbox.pod.name}`;
  const cniArgs = buildPodArgs(sandbox);
  const attachments: PlannedAttachment[] = [];
  try {
    const loopback = catalog.plugins.get('loopback');
    if (input.loopback && loopback) {
      const cniVersion = await input.negotiate('loopback', loopback.path);
      attachments.push({
        network: 'cni-loopback',
        networkName: 'cni-loopback',
        ifName: 'lo',
        isDefault: false,
        configText: buildLoopbackConfig(cniVersion),
        cniVersion,
        cniArgs,
        capabilityArgs: {},
        source: 'loopback',
      });
    }
    const selections = parseNetworkSelection(sandbox.pod.annotations);
    if (selections === undefined) {
      const network = catalog.defaultNetwork;
      if (!network) throw new CniError('NO_DEFAULT_NETWORK', 'no valid network config in the conf dir to serve as the default network');
      const [ifName] = assignInterfaceNames([{ name: network.name }], { refs: [network.name], existing: input.existing?.filter((a) => a.ifName !== 'lo') });
      attachments.push({
        network: network.name,
        networkName: network.name,
        ifName: ifName!,
        isDefault: true,
        configText: network.list.bytes,
        cniVersion: network.list.cniVersion,
        cniArgs,
        capabilityArgs: buildCapabilityArgs(sandbox),
        source: 'conf',
      });
    } else {
      const refs = selections.map((selection) => `${selection.namespace ?? sandbox.pod.namespace}/${selection.name}`);
      const ifNames = assignInterfaceNames(selections, { refs, existing: input.existing?.filter((a) => a.ifName !== 'lo') });
      for (const [index, selection] of selections.entries()) {
        let resolved: ResolvedNetwork;
        try {
          resolved = resolveNetwork(selection, sandbox.pod.namespace, catalog, input.objects);
        } catch (error) {
          // A network the running sandbox already has stays as it was made, resolvable or not.
          const made = input.existing?.find((a) => a.network === refs[index] && a.ifName === ifNames[index]);
          if (!made || !(error instanceof CniError) || error.code !== 'NETWORK_NOT_FOUND') throw error;
          attachments.push({ ...made, isDefault: index === 0 });
          continue;
        }
        const common = {
          network: refs[index]!,
          ifName: ifNames[index]!,
          isDefault: index === 0,
          cniArgs,
          capabilityArgs: buildCapabilityArgs(sandbox, selection),
        };
        if (resolved.kind === 'conf') {
          attachments.push({ ...common, networkName: resolved.list.name, configText: resolved.list.bytes, cniVersion: resolved.list.cniVersion, source: 'conf' });
        } else {
          const cniVersion = await input.negotiate(resolved.pluginType, resolved.pluginPath);
          const configText = buildThickConfig(resolved.objectName, resolved.pluginType, cniVersion, input.kubeconfig);
          // Validate what we wrote, as we validate what we read.
          const list = parseNetworkConfigList(configText);
          attachments.push({ ...common, networkName: list.name, configText, cniVersion: list.cniVersion, source: 'thick' });
        }
      }
    }
  } catch (error) {
    if (error instanceof CniError && error.details.pod === undefined) {
      throw new CniError(error.code, `pod ${podRef}: ${error.message}`, { ...error.details, pod: podRef }, { cause: error.cause });
    }
    throw error;
  }
  const plan: PodPlan = { sandboxId: sandbox.sandboxId, netns: sandbox.netns, pod: sandbox.pod, attachments };
  try {
    validatePodPlan(plan);
  } catch (error) {
    if (error instanceof CniError) throw new CniError(error.code, `pod ${podRef}: ${error.message}`, { ...error.details, pod: podRef }, { cause: error.cause });
    throw error;
  }
  return plan;
}
