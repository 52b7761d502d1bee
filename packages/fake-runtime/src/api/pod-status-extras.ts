/**
 * What the fake runtime writes back besides pod IPs and networks: the format the pod's request
 * was read in, the NPWG network-status annotation and KEP-3698 pod IP entries. Pure.
 */
import { parsePodNetworkRequest, type PodNetworkStatus } from '@multinet/cni-driver';
import type { ApiPod, ApiPodStatus } from './in-memory-api.ts';

/** The extra status fields of a pod (`format` is left out when its request cannot be read). */
export function buildPodStatusExtras(pod: ApiPod, status?: PodNetworkStatus): Pick<ApiPodStatus, 'format' | 'ignoredFormats' | 'networkStatusAnnotation' | 'podIPEntries'> {
  let format: Pick<ApiPodStatus, 'format' | 'ignoredFormats'> = {};
  try {
    const request = parsePodNetworkRequest(pod);
    format = { format: request.format, ...(request.ignored.length ? { ignoredFormats: request.ignored } : {}) };
  } catch {
    // The request's error is the status' error; the format stays unknown.
  }
  return {
    ...format,
    ...(status?.networkStatusAnnotation !== undefined ? { networkStatusAnnotation: status.networkStatusAnnotation } : {}),
    ...(status?.podIPEntries !== undefined ? { podIPEntries: status.podIPEntries } : {}),
  };
}
