/**
 * The NPWG `k8s.v1.cni.cncf.io/network-status` annotation exactly as Multus and the NAD client
 * write it: one `NetworkStatus` per attachment (`name` ns/name, `interface`, bare `ips`, `mac`,
 * `default` only when true, `dns` always — Go marshals the struct even when empty — and
 * `gateway` from the default routes), each `json.MarshalIndent(status, "", "    ")`, joined
 * with `,` inside `[` `]`. Pure.
 */
import { listResultInterfaces, listResultIps, type CniResult } from '@multinet/cni-types';

/** The NPWG network-status annotation key. */
export const NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/network-status';

/** One entry of the annotation, in the NAD client's field order. */
export interface NetworkStatusEntry {
  readonly name: string;
  readonly interface?: string | undefined;
  readonly ips?: readonly string[] | undefined;
  readonly mac?: string | undefined;
  readonly default?: boolean | undefined;
  readonly dns: { readonly nameservers?: readonly string[]; readonly domain?: string; readonly search?: readonly string[]; readonly options?: readonly string[] };
  readonly gateway?: readonly string[] | undefined;
}

/** What an entry is built from: one attachment's status with its result. */
export interface NetworkStatusSource {
  readonly name: string;
  readonly interface: string;
  readonly mac?: string | undefined;
  readonly default: boolean;
  readonly result?: CniResult | undefined;
}

const isDefaultDst = (dst: unknown): boolean => dst === '0.0.0.0/0' || dst === '::/0';
const familyOf = (ip: string): 4 | 6 => (ip.includes(':') ? 6 : 4);

function listRoutes(result: Record<string, unknown>): Array<{ dst?: unknown; gw?: unknown }> {
  const top = Array.isArray(result['routes']) ? (result['routes'] as Array<{ dst?: unknown; gw?: unknown }>) : [];
  const legacy = ['ip4', 'ip6'].flatMap((key) => {
    const ip = result[key] as { routes?: Array<{ dst?: unknown; gw?: unknown }> } | undefined;
    return Array.isArray(ip?.routes) ? ip.routes : [];
  });
  return [...top, ...legacy];
}

/** Builds one entry from an attachment's status. */
export function buildNetworkStatusEntry(source: NetworkStatusSource): NetworkStatusEntry {
  const result = source.result;
  const raw = (result ?? {}) as Record<string, unknown>;
  const ips = result ? listResultIps(result).filter((ip) => ip.interfaceName === undefined || ip.interfaceName === source.interface) : [];
  const own = result ? listResultInterfaces(result).filter((i) => i.sandbox).find((i) => i.name === source.interface) : undefined;
  const gateways = listRoutes(raw)
    .filter((r) => isDefaultDst(r.dst))
    .map((r) => (typeof r.gw === 'string' ? r.gw : ips.find((ip) => ip.gateway && familyOf(ip.gateway) === familyOf(String(r.dst)))?.gateway))
    .filter((gw): gw is string => typeof gw === 'string');
  const dns = (raw['dns'] ?? {}) as { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
  const mac = own?.mac ?? source.mac;
  return {
    name: source.name,
    interface: source.interface,
    ...(ips.length ? { ips: ips.map((ip) => ip.address.split('/')[0]!) } : {}),
    ...(mac ? { mac } : {}),
    ...(source.default ? { default: true } : {}),
    dns: {
      ...(dns.nameservers?.length ? { nameservers: dns.nameservers } : {}),
      ...(dns.domain ? { domain: dns.domain } : {}),
      ...(dns.search?.length ? { search: dns.search } : {}),
      ...(dns.options?.length ? { options: dns.options } : {}),
    },
    ...(gateways.length ? { gateway: gateways } : {}),
  };
}

const GO_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** `json.MarshalIndent(v, "", "    ")` of a struct value (field order kept, HTML characters escaped). */
const marshalIndentLikeGo = (value: unknown): string => JSON.stringify(value, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);

/**
 * The annotation's value, ready to write: `[` + each entry MarshalIndent-ed + `]`, joined by `,`.
 *
 * @example
 * ```ts
 * formatNetworkStatusAnnotation([{ name: 'default/dbnet', interface: 'net1', default: false }]);
 * // '[{\n    "name": "default/dbnet",\n    "interface": "net1",\n    "dns": {}\n}]'
 * ```
 */
export function formatNetworkStatusAnnotation(sources: readonly NetworkStatusSource[]): string {
  return `[${sources.map((s) => marshalIndentLikeGo(buildNetworkStatusEntry(s))).join(',')}]`;
}
