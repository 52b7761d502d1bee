/**
 * Which format a pod's network request is read from, when it carries several, and the request
 * in the one model. Pure.
 *
 * Precedence (first present wins; the others are reported as ignored):
 * 1. `alpha.network.k8s.io/networks` — the 2017 patch, this project's own format;
 * 2. KEP-3698 `spec.networks` — a pod field beats annotations;
 * 3. NPWG `k8s.v1.cni.cncf.io/networks` and/or `v1.multus-cni.io/default-network`;
 * 4. Multus-2017 `networks`;
 * 5. CNI-Genie `cni` (Genie itself yields to NPWG);
 * 6. DANM `danm.k8s.io/interfaces`.
 * None: the default network alone on `eth0`.
 */
import { ALPHA_NETWORKS_ANNOTATION, parseAlphaNetworks } from './alpha-networks.ts';
import { DANM_INTERFACES_ANNOTATION, parseDanmInterfaces } from './danm-interfaces.ts';
import { GENIE_CNI_ANNOTATION, parseGenieCni } from './genie-cni.ts';
import { KEP_NETWORKS_FIELD, parseKepNetworks } from './kep-networks.ts';
import { MULTUS2017_NETWORKS_ANNOTATION, parseMultus2017Networks } from './multus2017-networks.ts';
import { MULTUS_DEFAULT_NETWORK_ANNOTATION, NPWG_NETWORKS_ANNOTATION, parseNpwgNetworks } from './npwg-networks.ts';
import type { FreeNameRule, PodNetworkRequest, SelectionFormat, WantedAttachment } from './wanted-attachment.ts';

/** What selection reads of a pod. */
export interface PodSelectionInput {
  readonly namespace: string;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** KEP-3698 `spec.networks`, as the API holds it. */
  readonly networks?: readonly unknown[] | undefined;
}

interface FormatReader {
  readonly format: Exclude<SelectionFormat, 'default'>;
  readonly source: string;
  readonly present: (pod: PodSelectionInput) => boolean;
  readonly parse: (pod: PodSelectionInput) => WantedAttachment[];
  readonly freeName: FreeNameRule;
}

const text = (pod: PodSelectionInput, key: string): string | undefined => {
  const value = pod.annotations?.[key];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/** The formats in precedence order. */
export const SELECTION_PRECEDENCE: readonly FormatReader[] = [
  {
    format: 'alpha',
    source: ALPHA_NETWORKS_ANNOTATION,
    present: (pod) => text(pod, ALPHA_NETWORKS_ANNOTATION) !== undefined,
    parse: (pod) => parseAlphaNetworks(text(pod, ALPHA_NETWORKS_ANNOTATION)!, pod.namespace),
    freeName: { prefix: 'eth', start: 0 },
  },
  {
    format: 'kep',
    source: KEP_NETWORKS_FIELD,
    present: (pod) => pod.networks !== undefined,
    parse: (pod) => parseKepNetworks(pod.networks, pod.namespace),
    freeName: { prefix: 'net', start: 1 },
  },
  {
    format: 'npwg',
    source: NPWG_NETWORKS_ANNOTATION,
    // `'[]'` is a request too (the default network alone), so presence is the key, not its text.
    present: (pod) => pod.annotations?.[NPWG_NETWORKS_ANNOTATION] !== undefined || text(pod, MULTUS_DEFAULT_NETWORK_ANNOTATION) !== undefined,
    parse: (pod) => parseNpwgNetworks(pod.annotations ?? {}, pod.namespace),
    freeName: { prefix: 'net', start: 1 },
  },
  {
    format: 'multus2017',
    source: MULTUS2017_NETWORKS_ANNOTATION,
    present: (pod) => text(pod, MULTUS2017_NETWORKS_ANNOTATION) !== undefined,
    parse: (pod) => parseMultus2017Networks(text(pod, MULTUS2017_NETWORKS_ANNOTATION)!, pod.namespace),
    freeName: { prefix: 'net', start: 0 },
  },
  {
    format: 'genie',
    source: GENIE_CNI_ANNOTATION,
    present: (pod) => text(pod, GENIE_CNI_ANNOTATION) !== undefined,
    parse: (pod) => parseGenieCni(text(pod, GENIE_CNI_ANNOTATION)!),
    freeName: { prefix: 'eth', start: 0 },
  },
  {
    format: 'danm',
    source: DANM_INTERFACES_ANNOTATION,
    present: (pod) => text(pod, DANM_INTERFACES_ANNOTATION) !== undefined,
    parse: (pod) => parseDanmInterfaces(text(pod, DANM_INTERFACES_ANNOTATION)!, pod.namespace),
    freeName: { prefix: 'eth', start: 0 },
  },
];

/**
 * Reads a pod's network request: the first format present by {@link SELECTION_PRECEDENCE}, or
 * the default network alone on `eth0` when none is.
 *
 * @throws {CniError} SELECTION_INVALID, SELECTION_UNSUPPORTED, INTERFACE_NAME_INVALID,
 *   INTERFACE_NAME_CONFLICT — each message names the annotation (or field) and the entry's field
 */
export function parsePodNetworkRequest(pod: PodSelectionInput): PodNetworkRequest {
  const present = SELECTION_PRECEDENCE.filter((reader) => reader.present(pod));
  const [chosen, ...rest] = present;
  const ignored = rest.map((reader) => reader.format);
  if (!chosen) {
    return {
      format: 'default',
      source: 'none',
      attachments: [{ ref: { kind: 'cluster-default', name: '' }, autoIfName: 'eth0', isDefault: true }],
      ignored,
      freeName: { prefix: 'eth', start: 0 },
    };
  }
  return { format: chosen.format, source: chosen.source, attachments: chosen.parse(pod), ignored, freeName: chosen.freeName };
}
