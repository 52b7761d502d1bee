/**
 * From a pod sandbox to its plan: which networks, in which order, on which interfaces, with
 * which exact config bytes. Pure but for the VERSION calls of thick plugins (cached).
 */
import {
  CniError,
  parseNetworkConfigList,
  parsePodNetworkRequest,
  validateDefaultRoutes,
  type AttachmentRuntimeConfig,
  type NetworkConfigList,
  type WantedAttachment,
} from '@multinet/cni-types';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';
import { requireInstalledPlugins } from './installed-plugins.ts';
import type { ObjectSource } from '../objects/object-source.ts';
import type { PlannedAttachment } from '../attach/attachment.ts';
import type { PodPlan, PodSandbox } from '../pod/pod-types.ts';
import { assignInterfaceNames } from './interface-names.ts';
import { applyCniArgs, buildObjectConfigList } from './object-config.ts';
import { buildAttachmentArgs, buildCapabilityArgs, buildPodArgs } from './pod-args.ts';
import { selectDefaultRoutePlans } from './default-route-plan.ts';
import { resolveReference, type ResolvedReference } from './resolve-reference.ts';
import { buildLoopbackConfig, buildThickConfig } from './thick-config.ts';
import { validatePodPlan } from './validate-plan.ts';
import { validateSandboxCapabilityArgs } from './capability-args.ts';

export { resolveNetwork, type ResolvedNetwork } from './resolve-network.ts';

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

/** The runtime config the library API gives for an attachment: by `network@ifName`, else by `network`. */
function selectApiRuntimeConfig(sandbox: PodSandbox, network: string, ifName: string): AttachmentRuntimeConfig | undefined {
  const byKey = sandbox.attachmentRuntimeConfig;
  return byKey?.[`${network}@${ifName}`] ?? byKey?.[network];
}

const mergeRuntimeConfig = (wanted: WantedAttachment, api: AttachmentRuntimeConfig | undefined): AttachmentRuntimeConfig => {
  const { ref: _ref, ifName: _ifName, autoIfName: _auto, isDefault: _isDefault, ...own } = wanted;
  return { ...own, ...(api ?? {}) };
};

/**
 * Builds the plan of a sandbox from the pod's request in whichever format it used (see
 * `parsePodNetworkRequest` for the precedence). No request: the default network alone on eth0.
 * Loopback, when enabled and installed, comes first on `lo`. Interface names follow the format's
 * rules; in a running sandbox existing interfaces keep their names.
 *
 * @throws {CniError} CAPABILITY_ARGS_INVALID, SELECTION_INVALID, SELECTION_UNSUPPORTED, INTERFACE_NAME_INVALID,
 *   INTERFACE_NAME_CONFLICT, NETWORK_NOT_FOUND, NETWORK_OBJECT_INVALID, NO_DEFAULT_NETWORK,
 *   POD_NETWORK_NOT_FOUND, POD_NETWORK_DISABLED, VERSION_INCOMPATIBLE
 */
export async function buildPodPlan(input: BuildPodPlanInput): Promise<PodPlan> {
  const { sandbox, catalog } = input;
  validateSandboxCapabilityArgs(sandbox);
  const podRef = `${sandbox.pod.namespace}/${sandbox.pod.name}`;
  const podArgs = buildPodArgs(sandbox);
  const attachments: PlannedAttachment[] = [];
  let request;
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
        cniArgs: podArgs,
        capabilityArgs: {},
        source: 'loopback',
      });
    }
    request = parsePodNetworkRequest({ namespace: sandbox.pod.namespace, annotations: sandbox.pod.annotations, networks: sandbox.pod.networks });
    const existing = input.existing?.filter((a) => a.ifName !== 'lo');
    const resolved: Array<ResolvedReference | CniError> = request.attachments.map((wanted) => {
      try {
        return resolveReference(wanted.ref, sandbox.pod.namespace, catalog, input.objects);
      } catch (error) {
        // A network the running sandbox already has stays as it was made, resolvable or not.
        if (error instanceof CniError && error.code === 'NETWORK_NOT_FOUND' && existing?.length) return error;
        throw error;
      }
    });
    const refs = resolved.map((r, i) => (r instanceof CniError ? (r.details.network ?? request!.attachments[i]!.ref.name) : r.network));
    const ifNames = assignInterfaceNames(
      request.attachments.map((w, i) => {
        const r = resolved[i]!;
        const ifName = w.ifName ?? (!(r instanceof CniError) && r.kind === 'object' ? r.ifName : undefined);
        return { ifName, autoIfName: w.autoIfName };
      }),
      { refs, existing, freeName: request.freeName },
    );
    const patchRules = request.format === 'alpha' || request.format === 'default';
    const configs = request.attachments.map((wanted, index) => {
      const r = resolved[index]!;
      return r instanceof CniError ? undefined : mergeRuntimeConfig(wanted, selectApiRuntimeConfig(sandbox, r.network, ifNames[index]!));
    });
    // The library API's runtime config may add gateways: Multus' ECMP rule holds for the merge too.
    validateDefaultRoutes(`runtime config of pod ${podRef}`, configs.map((c) => c ?? {}));
    const routePlans = selectDefaultRoutePlans(configs.map((c) => c ?? {}));
    for (const [index, wanted] of request.attachments.entries()) {
      const r = resolved[index]!;
      const ifName = ifNames[index]!;
      const config = configs[index];
      if (r instanceof CniError || config === undefined) {
        const made = existing?.find((a) => a.network === refs[index] && a.ifName === ifName);
        if (!made) throw r;
        attachments.push({ ...made, isDefault: wanted.isDefault });
        continue;
      }
      const routePlan = routePlans[index];
      const common = {
        network: r.network,
        ifName,
        isDefault: wanted.isDefault,
        cniArgs: patchRules ? podArgs : buildAttachmentArgs(podArgs, config),
        capabilityArgs: buildCapabilityArgs(sandbox, config, patchRules ? { everyNetwork: true } : { isDefault: wanted.isDefault }),
      };
      let list: NetworkConfigList;
      let source: PlannedAttachment['source'];
      if (r.kind === 'conf') {
        list = applyCniArgs(r.list, config.cniArgs);
        source = 'conf';
      } else if (r.kind === 'thick') {
        const cniVersion = await input.negotiate(r.pluginType, r.pluginPath);
        // Validate what we wrote, as we validate what we read.
        list = parseNetworkConfigList(buildThickConfig(r.objectName, r.pluginType, cniVersion, input.kubeconfig));
        source = 'thick';
      } else {
        let cniVersion: string | undefined;
        if (r.config.versionFrom !== undefined) {
          const plugin = catalog.plugins.get(r.config.versionFrom);
          if (!plugin) throw new CniError('NETWORK_NOT_FOUND', `network "${r.network}" is not available: its config has no cniVersion and plugin "${r.config.versionFrom}" is not in the plugin dirs to ask`, { network: r.network });
          cniVersion = await input.negotiate(plugin.name, plugin.path);
        }
        list = buildObjectConfigList(r.config, cniVersion, config.cniArgs);
        source = 'object';
      }
      attachments.push({ ...common, networkName: list.name, configText: list.bytes, cniVersion: list.cniVersion, source, ...(routePlan ? { defaultRoutes: routePlan } : {}) });
    }
  } catch (error) {
    if (error instanceof CniError && error.details.pod === undefined) {
      throw new CniError(error.code, `pod ${podRef}: ${error.message}`, { ...error.details, pod: podRef }, { cause: error.cause });
    }
    throw error;
  }
  const plan: PodPlan = {
    sandboxId: sandbox.sandboxId,
    netns: sandbox.netns,
    pod: sandbox.pod,
    attachments,
    format: request.format,
    ...(request.ignored.length ? { ignoredFormats: request.ignored } : {}),
  };
  // Everything ADD and DEL will check is checked here, before anything is recorded or run.
  try {
    validatePodPlan(plan);
    requireInstalledPlugins(plan.attachments, input.existing, catalog);
  } catch (error) {
    if (error instanceof CniError) throw new CniError(error.code, `pod ${podRef}: ${error.message}`, { ...error.details, pod: podRef }, { cause: error.cause });
    throw error;
  }
  return plan;
}
