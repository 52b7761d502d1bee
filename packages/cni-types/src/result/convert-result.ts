/**
 * Parsing results and converting them between versions, with libcni's rules.
 */
import { CniError, formatIssues } from '../errors.ts';
import { isKnownCniVersion, parseCniVersion } from '../version/cni-version.ts';
import {
  Result020Schema,
  Result040Schema,
  Result100Schema,
  type CniResult,
  type Result020,
  type Result040,
  type Result100,
  type ResultFamily,
} from './result-schemas.ts';

/**
 * The result family of a version.
 *
 * @throws {CniError} VERSION_UNSUPPORTED for a version outside 0.1.0 … 1.1.0
 */
export function resultFamily(version: string): ResultFamily {
  const v = isKnownCniVersion(version) ? parseCniVersion(version) : undefined;
  if (v === '0.1.0' || v === '0.2.0') return '020';
  if (v === '0.3.0' || v === '0.3.1' || v === '0.4.0') return '040';
  if (v === '1.0.0' || v === '1.1.0') return '100';
  throw new CniError('VERSION_UNSUPPORTED', `unsupported CNI result version "${version}"`, { versions: { wanted: version } });
}

const SCHEMAS = { '020': Result020Schema, '040': Result040Schema, '100': Result100Schema } as const;

/**
 * Validates a plugin's result. A missing or empty `cniVersion` gets the config's version (as
 * libcni does, cni#895); the result is checked against the schema of its own version.
 *
 * @throws {CniError} RESULT_INVALID, VERSION_UNSUPPORTED
 */
export function parseResult(value: unknown, options: { cniVersion: string; source?: string | undefined }): CniResult {
  const from = options.source ? ` from ${options.source}` : '';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CniError('RESULT_INVALID', `result${from} is not a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const withVersion =
    typeof record['cniVersion'] === 'string' && record['cniVersion'] !== ''
      ? record
      : { ...record, cniVersion: options.cniVersion };
  const family = resultFamily(String(withVersion['cniVersion']));
  const parsed = SCHEMAS[family].safeParse(withVersion);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues);
    throw new CniError(
      'RESULT_INVALID',
      `result${from} is not a valid ${String(withVersion['cniVersion'])} result: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}

interface NormalIp {
  address: string;
  gateway?: string | undefined;
  interface?: number | undefined;
}

interface NormalResult {
  interfaces: NonNullable<Result100['interfaces']>;
  ips: NormalIp[];
  routes: NonNullable<Result100['routes']>;
  dns?: Result100['dns'];
}

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);
const stripUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

function normalize(result: CniResult): NormalResult {
  const family = resultFamily(result.cniVersion);
  if (family === '020') {
    const r = result as Result020;
    const ips: NormalIp[] = [];
    const routes: NormalResult['routes'] = [];
    for (const ip of [r.ip4, r.ip6]) {
      if (!ip) continue;
      ips.push(stripUndefined({ address: ip.ip, gateway: ip.gateway }));
      for (const route of ip.routes ?? []) routes.push(stripUndefined({ dst: route.dst, gw: route.gw }));
    }
    return { interfaces: [], ips, routes, ...(r.dns ? { dns: r.dns } : {}) };
  }
  const r = result as Result040 | Result100;
  return {
    interfaces: [...(r.interfaces ?? [])],
    ips: (r.ips ?? []).map((ip) => stripUndefined({ address: ip.address, gateway: ip.gateway, interface: ip.interface })),
    routes: [...(r.routes ?? [])],
    ...(r.dns ? { dns: r.dns } : {}),
  };
}

function render020(n: NormalResult, cniVersion: string): Result020 {
  const v4 = n.ips.find((ip) => familyOf(ip.address) === 4);
  const v6 = n.ips.find((ip) => familyOf(ip.address) === 6);
  if (!v4 && !v6) {
    throw new CniError('RESULT_CONVERSION_FAILED', `cannot convert result to ${cniVersion}: no valid IP addresses`, {
      versions: { wanted: cniVersion },
    });
  }
  const config = (ip: NormalIp, fam: 4 | 6) => {
    const routes = n.routes.filter((r) => familyOf(r.dst) === fam).map((r) => stripUndefined({ dst: r.dst, gw: r.gw }));
    return stripUndefined({ ip: ip.address, gateway: ip.gateway, routes: routes.length ? routes : undefined });
  };
  return stripUndefined({
    cniVersion,
    ip4: v4 ? config(v4, 4) : undefined,
    ip6: v6 ? config(v6, 6) : undefined,
    dns: n.dns,
  });
}

function render040(n: NormalResult, cniVersion: string): Result040 {
  return stripUndefined({
    cniVersion,
    interfaces: n.interfaces.length ? n.interfaces.map((i) => stripUndefined({ name: i.name, mac: i.mac, sandbox: i.sandbox })) : undefined,
    ips: n.ips.length ? n.ips.map((ip) => stripUndefined({ version: String(familyOf(ip.address)) as '4' | '6', interface: ip.interface, address: ip.address, gateway: ip.gateway })) : undefined,
    routes: n.routes.length ? n.routes.map((r) => stripUndefined({ dst: r.dst, gw: r.gw })) : undefined,
    dns: n.dns,
  });
}

function render100(n: NormalResult, cniVersion: string): Result100 {
  return stripUndefined<Result100>({
    cniVersion,
    interfaces: n.interfaces.length ? n.interfaces : undefined,
    ips: n.ips.length ? (n.ips as NonNullable<Result100['ips']>) : undefined,
    routes: n.routes.length ? n.routes : undefined,
    dns: n.dns,
  });
}

/**
 * Converts a result to another version with libcni's rules: within a family the fields are
 * copied; up from 0.1.0/0.2.0 `ip4`/`ip6` become `ips` and routes go top-level; 1.x→0.3.x/0.4.0
 * computes `version` and drops `mtu`/`socketPath`/`pciID`; down to 0.1.0/0.2.0 keeps only the
 * first IPv4 and first IPv6 and splits routes by family — and fails when there is no IP.
 *
 * @throws {CniError} RESULT_CONVERSION_FAILED, VERSION_UNSUPPORTED
 */
export function convertResult(result: CniResult, toVersion: string): CniResult {
  const target = parseCniVersion(toVersion);
  const to = resultFamily(target);
  const from = resultFamily(result.cniVersion);
  if (from === to) return { ...result, cniVersion: target };
  const normal = normalize(result);
  if (to === '020') return render020(normal, target);
  if (to === '040') return render040(normal, target);
  return render100(normal, target);
}

/** One IP of a result, in a form that does not depend on the version. */
export interface ResultIp {
  /** CIDR form, as the plugin reported it. */
  readonly address: string;
  readonly gateway?: string | undefined;
  readonly family: 4 | 6;
  /** The name of the interface the IP is on, when the result says. */
  readonly interfaceName?: string | undefined;
  /** The sandbox (netns path) of that interface, when the result says. */
  readonly interfaceSandbox?: string | undefined;
}

/** Every IP of a result, in order, with its interface when known. Works on all families. */
export function listResultIps(result: CniResult): ResultIp[] {
  const n = normalize(result);
  return n.ips.map((ip) => {
    const iface = ip.interface === undefined ? undefined : n.interfaces[ip.interface];
    return stripUndefined({
      address: ip.address,
      gateway: ip.gateway,
      family: familyOf(ip.address),
      interfaceName: iface?.name,
      interfaceSandbox: iface?.sandbox,
    });
  });
}

/** Every interface of a result (none for 0.1.0/0.2.0). */
export function listResultInterfaces(result: CniResult): NormalResult['interfaces'] {
  return normalize(result).interfaces;
}
