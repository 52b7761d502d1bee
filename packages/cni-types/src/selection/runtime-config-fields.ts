/**
 * NPWG's per-attachment keys (`ips`, `mac`, `portMappings`, `bandwidth`, `cni-args`,
 * `default-route`, `infiniband-guid`), checked as the spec and Multus check them. Pure.
 */
import type { AttachmentRuntimeConfig, BandwidthEntry, PortMapEntry } from './wanted-attachment.ts';
import { describeJson, failSelection, ipFamily, isHardwareAddress, readObject, readString, validateIpRequest } from './selection-fields.ts';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
const BANDWIDTH_KEYS = ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst'] as const;

function readPort(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) failSelection(where, field, `expected a port 1-65535, got ${describeJson(value)}`);
  return value;
}

function readPortMappings(where: string, field: string, value: unknown): PortMapEntry[] {
  if (!Array.isArray(value)) failSelection(where, field, `expected a list, got ${describeJson(value)}`);
  return value.map((raw, i) => {
    const at = `${field}[${i}]`;
    const entry = readObject(where, at, raw);
    const protocol = readString(where, `${at}.protocol`, entry['protocol']);
    if (protocol !== undefined && !PROTOCOLS.has(protocol.toLowerCase())) failSelection(where, `${at}.protocol`, `expected TCP, UDP or SCTP, got ${JSON.stringify(protocol)}`);
    const hostIP = readString(where, `${at}.hostIP`, entry['hostIP']);
    if (hostIP !== undefined && hostIP !== '' && ipFamily(hostIP) === undefined) failSelection(where, `${at}.hostIP`, `failed to parse IP address ${JSON.stringify(hostIP)}`);
    return {
      hostPort: readPort(where, `${at}.hostPort`, entry['hostPort']),
      containerPort: readPort(where, `${at}.containerPort`, entry['containerPort']),
      ...(protocol !== undefined ? { protocol } : {}),
      ...(hostIP ? { hostIP } : {}),
    };
  });
}

function readBandwidth(where: string, field: string, value: unknown): BandwidthEntry {
  const entry = readObject(where, field, value);
  const out: Record<string, number> = {};
  for (const key of BANDWIDTH_KEYS) {
    const v = entry[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) failSelection(where, `${field}.${key}`, `expected a positive integer, got ${describeJson(v)}`);
    out[key] = v;
  }
  if (out['ingressBurst'] !== undefined && out['ingressRate'] === undefined) failSelection(where, `${field}.ingressBurst`, 'a burst needs its rate (ingressRate)');
  if (out['egressBurst'] !== undefined && out['egressRate'] === undefined) failSelection(where, `${field}.egressBurst`, 'a burst needs its rate (egressRate)');
  return out;
}

function readStringList(where: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value)) failSelection(where, field, `expected a list of strings, got ${describeJson(value)}`);
  return value.map((v, i) => {
    if (typeof v !== 'string') failSelection(where, `${field}[${i}]`, `expected a string, got ${describeJson(v)}`);
    return v;
  });
}

/**
 * Reads the per-attachment keys of one selection element (`prefix` is its path, e.g. `[2]`).
 *
 * @throws {CniError} SELECTION_INVALID naming the annotation and the field
 */
export function parseRuntimeConfigFields(where: string, prefix: string, element: Readonly<Record<string, unknown>>): AttachmentRuntimeConfig {
  const f = (key: string): string => `${prefix}.${key}`;
  const out: { -readonly [K in keyof AttachmentRuntimeConfig]: AttachmentRuntimeConfig[K] } = {};
  if (element['ips'] !== undefined) {
    const ips = readStringList(where, f('ips'), element['ips']);
    ips.forEach((ip, i) => validateIpRequest(where, `${f('ips')}[${i}]`, ip));
    if (ips.length > 0) out.ips = ips;
  }
  const mac = readString(where, f('mac'), element['mac']);
  if (mac !== undefined && mac !== '') {
    if (!isHardwareAddress(mac)) failSelection(where, f('mac'), `failed to parse MAC address ${JSON.stringify(mac)}`);
    out.mac = mac;
  }
  const guid = readString(where, f('infiniband-guid'), element['infiniband-guid']);
  if (guid !== undefined && guid !== '') {
    if (!isHardwareAddress(guid)) failSelection(where, f('infiniband-guid'), `failed to validate infiniband GUID ${JSON.stringify(guid)}`);
    out.infinibandGUID = guid;
  }
  if (element['portMappings'] !== undefined && element['portMappings'] !== null) {
    const ports = readPortMappings(where, f('portMappings'), element['portMappings']);
    if (ports.length > 0) out.portMappings = ports;
  }
  if (element['bandwidth'] !== undefined && element['bandwidth'] !== null) out.bandwidth = readBandwidth(where, f('bandwidth'), element['bandwidth']);
  if (element['cni-args'] !== undefined && element['cni-args'] !== null) out.cniArgs = { ...readObject(where, f('cni-args'), element['cni-args']) };
  if (element['default-route'] !== undefined && element['default-route'] !== null) {
    const gateways = readStringList(where, f('default-route'), element['default-route']);
    gateways.forEach((gw, i) => {
      if (ipFamily(gw) === undefined) failSelection(where, `${f('default-route')}[${i}]`, `failed to parse IP address ${JSON.stringify(gw)}`);
    });
    out.defaultRoute = gateways;
  }
  return out;
}

/**
 * Multus' ECMP rule: across a pod's attachments at most one IPv4 and one IPv6 gateway may be asked
 * for (`multus does not support ECMP for default-route`).
 *
 * @throws {CniError} SELECTION_INVALID
 */
export function validateDefaultRoutes(where: string, attachments: ReadonlyArray<{ readonly defaultRoute?: readonly string[] | undefined }>): void {
  const seen = { 4: 0, 6: 0 };
  attachments.forEach((a, i) => {
    for (const gw of a.defaultRoute ?? []) {
      const family = ipFamily(gw)!;
      seen[family] += 1;
      if (seen[family] > 1) failSelection(where, `[${i}].default-route`, `more than one IPv${family} default-route in the pod (multus does not support ECMP for default-route)`);
    }
  });
}
