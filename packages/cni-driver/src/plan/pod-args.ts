/**
 * Per-pod values that travel with each attachment: CNI_ARGS and capability args. Pure.
 */
import type { CniArgs, NetworkSelection } from '@multinet/cni-types';
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
 * The capability args offered to an attachment: `portMappings` (hostPort > 0 only, protocol
 * lower-cased, as kubelet), `bandwidth`, the selection's static `ips`/`mac`, and the sandbox's own
 * extras. Each plugin later gets only the capabilities it declares, so nothing leaks into the
 * shared network config.
 */
export function buildCapabilityArgs(sandbox: PodSandbox, selection?: Pick<NetworkSelection, 'ips' | 'mac'>): Record<string, unknown> {
  const args: Record<string, unknown> = { ...(sandbox.capabilityArgs ?? {}) };
  const ports = (sandbox.portMappings ?? []).filter((p) => p.hostPort > 0).map((p) => ({ ...p, protocol: p.protocol.toLowerCase() }));
  if (ports.length > 0) args['portMappings'] = ports;
  if (sandbox.bandwidth) args['bandwidth'] = { ...sandbox.bandwidth };
  if (selection?.ips?.length) args['ips'] = [...selection.ips];
  if (selection?.mac) args['mac'] = selection.mac;
  return args;
}
