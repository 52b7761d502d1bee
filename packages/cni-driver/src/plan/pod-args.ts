/**
 * Per-pod and per-attachment values that travel with each attachment: CNI_ARGS and capability
 * args. Pure.
 */
import type { AttachmentRuntimeConfig, CniArgs } from '@multinet/cni-types';
import type { PodSandbox } from '../pod/pod-types.ts';

/**
 * CNI_ARGS in the order kubelet's CNI driver sends them (the patch's, plus the pod UID as
 * ocicni adds it): `IgnoreUnknown=1`, `K8S_POD_NAMESPACE`, `K8S_POD_NAME`,
 * `K8S_POD_INFRA_CONTAINER_ID`, `K8S_POD_UID`. Values are checked when the env is built.
 */
export function buildPodArgs(sandbox: PodSandbox): CniArgs {
  return [
    ['IgnoreUnknown', '1'],
    ['K8S_POD_NAMESPACE', sandbox.pod.namespace],
    ['K8S_POD_NAME', sandbox.pod.name],
    ['K8S_POD_INFRA_CONTAINER_ID', sandbox.sandboxId],
    ['K8S_POD_UID', sandbox.pod.uid],
  ];
}

/**
 * CNI_ARGS of one attachment as Multus' `DelegateAdd` sends them: the pod's, then `MAC=<mac>`
 * and `IP=<ip1,ip2>` when the attachment asks for them (Multus' path kept since 3.5; CNI-Genie
 * does the same).
 */
export function buildAttachmentArgs(podArgs: CniArgs, config: AttachmentRuntimeConfig): CniArgs {
  const args: Array<readonly [string, string]> = [...podArgs];
  if (config.mac) args.push(['MAC', config.mac]);
  if (config.ips?.length) args.push(['IP', config.ips.join(',')]);
  return args;
}

/** The kubelet-level capability args of the sandbox (ports lower-cased, hostPort > 0 only, as kubelet). */
function buildSandboxCapabilities(sandbox: PodSandbox): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const ports = (sandbox.portMappings ?? []).filter((p) => p.hostPort > 0).map((p) => ({ ...p, protocol: p.protocol.toLowerCase() }));
  if (ports.length > 0) args['portMappings'] = ports;
  if (sandbox.bandwidth) args['bandwidth'] = { ...sandbox.bandwidth };
  return args;
}

/** The capability names of an attachment's own runtime config, as Multus fills `runtimeConfig`. */
function buildOwnCapabilities(config: AttachmentRuntimeConfig): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (config.portMappings?.length) args['portMappings'] = config.portMappings.map((p) => ({ ...p }));
  if (config.bandwidth) args['bandwidth'] = { ...config.bandwidth };
  if (config.ips?.length) args['ips'] = [...config.ips];
  if (config.mac) args['mac'] = config.mac;
  if (config.infinibandGUID) args['infinibandGUID'] = config.infinibandGUID;
  return args;
}

/**
 * The capability args offered to an attachment. With `everyNetwork` (the 2017 patch's rule), the
 * sandbox's port mappings and bandwidth go to every attachment; otherwise (NPWG 7.5) only to the
 * default one. The attachment's own `ips`, `mac`, `portMappings`, `bandwidth` and
 * `infinibandGUID` go to it alone and win over the sandbox's. The sandbox's `capabilityArgs`
 * extras go to all. Each plugin later gets only the capabilities it declares.
 */
export function buildCapabilityArgs(
  sandbox: PodSandbox,
  config: AttachmentRuntimeConfig = {},
  placement: { readonly isDefault?: boolean | undefined; readonly everyNetwork?: boolean | undefined } = { everyNetwork: true },
): Record<string, unknown> {
  const sandboxLevel = placement.everyNetwork || placement.isDefault ? buildSandboxCapabilities(sandbox) : {};
  return { ...(sandbox.capabilityArgs ?? {}), ...sandboxLevel, ...buildOwnCapabilities(config) };
}
