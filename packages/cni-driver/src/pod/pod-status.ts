/**
 * A sandbox's network status, derived from its record. Pure.
 */
import { listResultInterfaces, listResultIps, parseResult, type CniResult } from '@multinet/cni-types';
import type { AttachmentRecord, PodRecord } from '../attach/sandbox-record.ts';
import type { AttachmentFailure, AttachmentStatus, PodNetworkStatus } from './pod-types.ts';
import { formatNetworkStatusAnnotation } from '../status/network-status-annotation.ts';
import { buildPodIPEntries } from '../status/pod-ip-entries.ts';

const stripPrefix = (cidr: string): string => cidr.split('/')[0] ?? cidr;

/**
 * Results already read, by the record's result object: a record is replaced, never changed in
 * place, so a result object read once reads the same every time (a status is built after every
 * operation; zod on every result each time cost ~0.1 ms a pod).
 */
const readResults = new WeakMap<object, { cniVersion: string; result: CniResult | undefined }>();

/**
 * Tells the status builder that `result` (about to be kept in an attachment record of config
 * version `cniVersion`) is a result already read and checked, so that it is not read again.
 */
export function rememberCheckedResult(result: CniResult, cniVersion: string): void {
  readResults.set(result, { cniVersion, result });
}

function resultOf(attachment: AttachmentRecord): CniResult | undefined {
  const raw = attachment.result;
  if (!raw) return undefined;
  const known = readResults.get(raw);
  if (known?.cniVersion === attachment.cniVersion) return known.result;
  let result: CniResult | undefined;
  try {
    result = parseResult(raw, { cniVersion: attachment.cniVersion });
  } catch {
    result = undefined;
  }
  readResults.set(raw, { cniVersion: attachment.cniVersion, result });
  return result;
}

/** The status of one attachment (IPs without prefix, the sandbox interface's MAC). */
export function buildAttachmentStatus(attachment: AttachmentRecord): AttachmentStatus {
  const result = resultOf(attachment);
  const ips = result ? listResultIps(result) : [];
  const interfaces = result ? listResultInterfaces(result) : [];
  const own = interfaces.find((i) => i.name === attachment.ifName && i.sandbox) ?? interfaces.find((i) => i.name === attachment.ifName);
  const gateways = ips.flatMap((ip) => (ip.gateway ? [ip.gateway] : []));
  const mac = own?.mac ?? attachment.mac;
  return {
    name: attachment.network,
    interface: attachment.ifName,
    ips: ips.map((ip) => stripPrefix(ip.address)),
    ...(mac ? { mac } : {}),
    ...(gateways.length ? { gateway: gateways } : {}),
    default: attachment.isDefault,
    ...(result ? { result } : {}),
  };
}

/**
 * The sandbox's status: pod IPs are the default network's first IPv4 and first IPv6 (as kubelet
 * keeps at most one of each); every attachment but loopback is listed; the NPWG network-status
 * annotation's value, ready to write, KEP-3698 pod IP entries, and the selection format the
 * pod's request was read in (absent for records written before it was kept).
 */
export function buildPodNetworkStatus(record: PodRecord, failures: readonly AttachmentFailure[] = []): PodNetworkStatus {
  const networks = record.attachments.filter((a) => a.source !== 'loopback' && a.state === 'added').map(buildAttachmentStatus);
  const primary = record.attachments.find((a) => a.isDefault && a.state === 'added');
  const primaryResult = primary ? resultOf(primary) : undefined;
  const ips = primaryResult ? listResultIps(primaryResult) : [];
  const podIPs = [ips.find((ip) => ip.family === 4), ips.find((ip) => ip.family === 6)].flatMap((ip) => (ip ? [stripPrefix(ip.address)] : []));
  return {
    sandboxId: record.sandboxId,
    netns: record.netns,
    podIPs,
    networks,
    ...(failures.length ? { failures } : {}),
    networkStatusAnnotation: formatNetworkStatusAnnotation(networks),
    podIPEntries: buildPodIPEntries(networks),
    ...(record.selection ? { format: record.selection.format } : {}),
    ...(record.selection?.ignored.length ? { ignoredFormats: record.selection.ignored } : {}),
  };
}
