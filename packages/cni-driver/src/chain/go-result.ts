/**
 * A result as libcni holds it after decoding: Go structs of the result's own version. libcni
 * decodes every plugin answer into its version's struct (dropping fields the struct does not
 * have, printing IPs the way Go's `net.IP` does) and marshals that struct back in the struct's
 * field order when it hands it on as `prevResult` or prints it. This file builds that value.
 */
import { resultFamily, type CniResult } from '@multinet/cni-types';

/** An object whose keys are written in insertion order (a Go struct), not sorted (a Go map). */
export class GoStruct {
  constructor(readonly fields: Readonly<Record<string, unknown>>) {}
}

type Loose = Readonly<Record<string, unknown>>;

/** Go's `net.IP.String()`: IPv6 in RFC 5952 form, an IPv4-mapped IPv6 address as IPv4. */
export function formatGoIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    const host = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const hi = Number.parseInt(mapped[1]!, 16);
      const lo = Number.parseInt(mapped[2]!, 16);
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
    return host;
  } catch {
    return ip;
  }
}

/** Go's `IPNet.String()` of a parsed CIDR: the address as given (not masked) and the prefix. */
export function formatGoCidr(cidr: string): string {
  const slash = cidr.lastIndexOf('/');
  return slash < 0 ? cidr : `${formatGoIp(cidr.slice(0, slash))}${cidr.slice(slash)}`;
}

/** Keeps the listed fields in order, leaving out those that Go's `omitempty` would. */
function pick(source: Loose, fields: readonly (readonly [string, 'always' | 'omitempty', ((v: unknown) => unknown)?])[]): GoStruct {
  const out: Record<string, unknown> = {};
  for (const [name, mode, map] of fields) {
    const value = source[name];
    const isEmpty = value === undefined || value === null || value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0);
    if (mode === 'omitempty' && isEmpty) continue;
    // An absent non-omitempty field is the Go zero value.
    out[name] = map ? map(value) : (value ?? '');
  }
  return new GoStruct(out);
}

/** The same value as plain objects: what a Go struct becomes once libcni re-decodes it into a map. */
export function flattenGoStruct(value: unknown): unknown {
  if (value instanceof GoStruct) return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, flattenGoStruct(v)]));
  if (Array.isArray(value)) return value.map(flattenGoStruct);
  return value;
}

const asList = <T>(value: unknown, map: (item: Loose) => T): T[] => (value as Loose[]).map(map);
const ip = (v: unknown): unknown => formatGoIp(String(v));
const cidr = (v: unknown): unknown => formatGoCidr(String(v));

function dnsOf(value: unknown): GoStruct {
  return pick((value ?? {}) as Loose, [
    ['nameservers', 'omitempty'],
    ['domain', 'omitempty'],
    ['search', 'omitempty'],
    ['options', 'omitempty'],
  ]);
}

function routeOf(route: Loose, isNewer: boolean): GoStruct {
  return pick(route, [
    ['dst', 'always', cidr],
    ['gw', 'omitempty', ip],
    ...(isNewer ? ([['mtu', 'omitempty'], ['advmss', 'omitempty'], ['priority', 'omitempty'], ['table', 'omitempty'], ['scope', 'omitempty']] as const) : []),
  ]);
}

function interfaceOf(iface: Loose, isNewer: boolean): GoStruct {
  return pick(
    iface,
    isNewer
      ? [['name', 'always'], ['mac', 'omitempty'], ['mtu', 'omitempty'], ['sandbox', 'omitempty'], ['socketPath', 'omitempty'], ['pciID', 'omitempty']]
      : [['name', 'always'], ['mac', 'omitempty'], ['sandbox', 'omitempty']],
  );
}

/** `interface` is a `*int`: present (even 0) when set. */
function ipConfigOf(config: Loose, withVersion: boolean): GoStruct {
  const out: Record<string, unknown> = {};
  if (withVersion) out['version'] = config['version'] ?? '';
  if (typeof config['interface'] === 'number') out['interface'] = config['interface'];
  out['address'] = formatGoCidr(String(config['address']));
  if (config['gateway']) out['gateway'] = formatGoIp(String(config['gateway']));
  return new GoStruct(out);
}

function ip020Of(config: Loose): GoStruct {
  return pick(config, [
    ['ip', 'always', cidr],
    ['gateway', 'omitempty', ip],
    ['routes', 'omitempty', (routes) => asList(routes, (r) => routeOf(r, false))],
  ]);
}

/**
 * The Go struct libcni decodes `result` into (by the result's own `cniVersion`: 0.1.0/0.2.0,
 * 0.3.x/0.4.0 or 1.x), in the struct's field order. Fields the struct lacks are dropped, `dns`
 * is always present (a struct under `omitempty` is never empty to Go). Results of 1.1.0, which
 * libcni 1.1.2 cannot decode, get the fields newer libcni has (`mtu`, `socketPath`, `pciID`,
 * route `mtu`/`advmss`/`priority`/`table`/`scope`) in its order.
 */
export function buildGoResult(result: CniResult): GoStruct {
  const r = result as Loose;
  const family = resultFamily(result.cniVersion);
  if (family === '020') {
    return pick(r, [
      ['cniVersion', 'omitempty'],
      ['ip4', 'omitempty', (v) => ip020Of(v as Loose)],
      ['ip6', 'omitempty', (v) => ip020Of(v as Loose)],
      ['dns', 'always', dnsOf],
    ]);
  }
  const isNewer = family === '100' && result.cniVersion !== '1.0.0';
  const out: Record<string, unknown> = {};
  if (result.cniVersion) out['cniVersion'] = result.cniVersion;
  if (Array.isArray(r['interfaces']) && r['interfaces'].length > 0) out['interfaces'] = asList(r['interfaces'], (i) => interfaceOf(i, isNewer));
  if (Array.isArray(r['ips']) && r['ips'].length > 0) out['ips'] = asList(r['ips'], (c) => ipConfigOf(c, family === '040'));
  if (Array.isArray(r['routes']) && r['routes'].length > 0) out['routes'] = asList(r['routes'], (rt) => routeOf(rt, isNewer));
  out['dns'] = dnsOf(r['dns']);
  return new GoStruct(out);
}
