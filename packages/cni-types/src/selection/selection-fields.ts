/**
 * Field checks shared by the selection parsers, with Multus' and the NPWG spec's rules. Every
 * failure names the annotation (or field of the pod) and the field. Pure: no `node:` imports.
 */
import { CniError } from '../errors.ts';

/** Throws SELECTION_INVALID naming where (annotation) and field. */
export function failSelection(where: string, field: string, message: string): never {
  throw new CniError('SELECTION_INVALID', `invalid ${where}: ${field}: ${message}`, { issues: [{ path: field, message }] });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True for a DNS-1123 label (NPWG 3.3: object names and namespaces). */
export const isDnsLabel = (text: string): boolean => text.length <= 63 && DNS_LABEL.test(text);
/** True for a DNS-1123 subdomain (object names of KEP-3698 kinds). */
export const isDnsSubdomain = (text: string): boolean => text.length <= 253 && DNS_SUBDOMAIN.test(text);

/** Checks a DNS-1123 label. */
export function validateDnsLabel(where: string, field: string, value: string): string {
  if (!isDnsLabel(value)) failSelection(where, field, `${JSON.stringify(value)} is not a DNS-1123 label (lower case alphanumerics and "-", starting and ending alphanumeric, at most 63)`);
  return value;
}

/**
 * Checks an interface name by the kernel's rules (1–15 bytes, no `/`, `:` or whitespace, not
 * `.`/`..`); Multus' own check is the same minus `:`.
 */
export function validateIfName(where: string, field: string, value: string): string {
  const fail = (why: string): never => {
    throw new CniError('INTERFACE_NAME_INVALID', `invalid ${where}: ${field}: interface name ${JSON.stringify(value)} ${why}`, {
      ifName: value,
      issues: [{ path: field, message: why }],
    });
  };
  if (value.length === 0) fail('is empty');
  if (new TextEncoder().encode(value).length > 15) fail('is longer than 15 bytes');
  if (value === '.' || value === '..') fail('is "." or ".."');
  if (/[/:\s]/u.test(value)) fail('contains "/", ":" or whitespace');
  return value;
}

/** Parses a dotted-quad IPv4 address (as Go's net.ParseIP: four decimal octets). */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Parses an IPv6 address (with `::` and an embedded IPv4 tail, no zone), as Go's net.ParseIP. */
export function isIPv6(text: string): boolean {
  if (!text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | undefined => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** 4 or 6 for an IP address, `undefined` for anything else. */
export function ipFamily(text: string): 4 | 6 | undefined {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return undefined;
}

/**
 * Checks an `ips` entry as Multus does: with `/`, a CIDR (Go's ParseCIDR); without, an IP.
 */
export function validateIpRequest(where: string, field: string, value: string): string {
  if (value.includes('/')) {
    const [ip = '', prefix = '', ...rest] = value.split('/');
    const family = ipFamily(ip);
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (rest.length > 0 || family === undefined || !(bits <= (family === 4 ? 32 : 128))) failSelection(where, field, `failed to parse CIDR ${JSON.stringify(value)}`);
    return value;
  }
  if (ipFamily(value) === undefined) failSelection(where, field, `failed to parse IP address ${JSON.stringify(value)}`);
  return value;
}

/**
 * Checks a hardware address as Go's net.ParseMAC (which Multus uses for `mac` and
 * `infiniband-guid`): 6, 8 or 20 bytes, as `xx:xx…`, `xx-xx…` or `xxxx.xxxx…`.
 */
export function isHardwareAddress(text: string, bytes: readonly number[] = [6, 8, 20]): boolean {
  const lengths = new Set(bytes);
  const colon = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2})+$/;
  if (colon.test(text)) {
    const sep = text[2]!;
    const parts = text.split(sep);
    return parts.length === text.split(/[:-]/).length && lengths.has(parts.length);
  }
  if (/^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4})+$/.test(text)) return lengths.has(text.split('.').length * 2);
  return false;
}

/** A value's JSON type, for messages. */
export const describeJson = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`);

/** Reads an optional string field. */
export function readString(where: string, field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') failSelection(where, field, `expected a string, got ${describeJson(value)}`);
  return value;
}

/** Reads an optional boolean field. */
export function readBoolean(where: string, field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') failSelection(where, field, `expected a boolean, got ${describeJson(value)}`);
  return value;
}

/** Reads a JSON object (not null, not an array). */
export function readObject(where: string, field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) failSelection(where, field, `expected an object, got ${describeJson(value)}`);
  return value as Record<string, unknown>;
}

/** Parses JSON text, failing with SELECTION_INVALID naming the annotation. */
export function parseJsonText(where: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return failSelection(where, '(value)', `not valid JSON (${(error as Error).message})`);
  }
}
