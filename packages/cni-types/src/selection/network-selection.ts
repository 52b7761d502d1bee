/**
 * Which networks a pod asks for: the patch's `alpha.network.k8s.io/networks` annotation, and the
 * NPWG `k8s.v1.cni.cncf.io/networks` annotation (short and JSON forms). Pure.
 */
import { z } from 'zod';
import { CniError, formatIssues } from '../errors.ts';

/** The 2017 patch's selection annotation. */
export const ALPHA_NETWORKS_ANNOTATION = 'alpha.network.k8s.io/networks';
/** The NPWG selection annotation. */
export const NPWG_NETWORKS_ANNOTATION = 'k8s.v1.cni.cncf.io/networks';

/** One requested network. */
export interface NetworkSelection {
  /** The namespace of the network object; the pod's when absent. */
  readonly namespace?: string | undefined;
  readonly name: string;
  /** The interface name the pod picked (`name@ifname`). */
  readonly ifName?: string | undefined;
  /** Static IPs (`ips` capability). */
  readonly ips?: readonly string[] | undefined;
  /** Static MAC (`mac` capability). */
  readonly mac?: string | undefined;
  /** Which annotation it came from. */
  readonly source: 'alpha' | 'npwg';
}

function fail(annotation: string, message: string): never {
  throw new CniError('SELECTION_INVALID', `invalid ${annotation} annotation: ${message}`);
}

/**
 * Parses the comma form: `name`, `name@ifname`, `namespace/name`, `namespace/name@ifname`.
 * Whitespace around entries and their parts is trimmed (the 2017 patch did not trim, so
 * `"a, b"` asked it for a network named `" b"`); an empty entry is an error.
 */
export function parseShortSelection(text: string, annotation: string, source: NetworkSelection['source']): NetworkSelection[] {
  return text.split(',').map((raw, index) => {
    const entry = raw.trim();
    if (entry === '') fail(annotation, `entry ${index + 1} of ${JSON.stringify(text)} is empty`);
    const at = entry.indexOf('@');
    const ref = (at < 0 ? entry : entry.slice(0, at)).trim();
    const ifName = at < 0 ? undefined : entry.slice(at + 1).trim();
    const slash = ref.indexOf('/');
    const namespace = slash < 0 ? undefined : ref.slice(0, slash).trim();
    const name = (slash < 0 ? ref : ref.slice(slash + 1)).trim();
    if (name === '' || namespace === '' || ifName === '' || name.includes('/')) {
      fail(annotation, `entry ${JSON.stringify(entry)} is not name, name@ifname or namespace/name[@ifname]`);
    }
    return { ...(namespace ? { namespace } : {}), name, ...(ifName ? { ifName } : {}), source };
  });
}

const NpwgElementSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  interface: z.string().min(1).optional(),
  ips: z.array(z.string()).optional(),
  mac: z.string().optional(),
});

function parseNpwgJson(text: string): NetworkSelection[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(NPWG_NETWORKS_ANNOTATION, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = z.array(NpwgElementSchema).safeParse(Array.isArray(value) ? value : [value]);
  if (!parsed.success) {
    fail(NPWG_NETWORKS_ANNOTATION, formatIssues(parsed.error.issues).map((i) => `${i.path}: ${i.message}`).join('; '));
  }
  return parsed.data.map((e) => ({
    ...(e.namespace ? { namespace: e.namespace } : {}),
    name: e.name,
    ...(e.interface ? { ifName: e.interface } : {}),
    ...(e.ips ? { ips: e.ips } : {}),
    ...(e.mac ? { mac: e.mac } : {}),
    source: 'npwg' as const,
  }));
}

/**
 * The pod's requested networks, in order, or `undefined` when it asks for none (then the default
 * network alone is used, as before multi-network). The patch's annotation wins when both are set.
 *
 * @throws {CniError} SELECTION_INVALID
 */
export function parseNetworkSelection(annotations: Readonly<Record<string, string>> = {}): NetworkSelection[] | undefined {
  const alpha = annotations[ALPHA_NETWORKS_ANNOTATION];
  if (alpha !== undefined && alpha.trim() !== '') return parseShortSelection(alpha, ALPHA_NETWORKS_ANNOTATION, 'alpha');
  const npwg = annotations[NPWG_NETWORKS_ANNOTATION];
  if (npwg !== undefined && npwg.trim() !== '') {
    // Multus' test for the JSON form: the text contains any of `[`, `{`, `"`.
    return /[[{"]/.test(npwg) ? parseNpwgJson(npwg) : parseShortSelection(npwg, NPWG_NETWORKS_ANNOTATION, 'npwg');
  }
  return undefined;
}
