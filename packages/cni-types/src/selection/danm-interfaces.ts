/**
 * DANM's `danm.k8s.io/interfaces`, where it maps onto CNI networks: `network` (a network of the
 * pod's namespace), `ip`/`ip6` as `dynamic`, `none` or a static CIDR. DANM's own objects
 * (`tenantNetwork`, `clusterNetwork`), policy routes and device selection do not map: they fail
 * with SELECTION_UNSUPPORTED. Interfaces are `eth0`, `eth1`, … (DANM's default prefix). Pure.
 */
import { CniError } from '../errors.ts';
import { failSelection, parseJsonText, readObject, readString, validateDnsLabel, validateIpRequest } from './selection-fields.ts';
import type { WantedAttachment } from './wanted-attachment.ts';

/** DANM's selection annotation. */
export const DANM_INTERFACES_ANNOTATION = 'danm.k8s.io/interfaces';

const UNMAPPED = ['tenantNetwork', 'clusterNetwork', 'proutes', 'proutes6', 'device', 'device_pool'] as const;

function readIp(where: string, field: string, value: unknown): string | undefined {
  const ip = readString(where, field, value);
  if (ip === undefined || ip === 'dynamic' || ip === 'none') return undefined;
  if (!ip.includes('/')) failSelection(where, field, `expected "dynamic", "none" or a CIDR, got ${JSON.stringify(ip)}`);
  return validateIpRequest(where, field, ip);
}

/**
 * Parses DANM's annotation into attachments.
 *
 * @throws {CniError} SELECTION_INVALID, SELECTION_UNSUPPORTED — naming the annotation and field
 */
export function parseDanmInterfaces(text: string, podNamespace: string): WantedAttachment[] {
  const where = `${DANM_INTERFACES_ANNOTATION} annotation`;
  const value = parseJsonText(where, text);
  if (!Array.isArray(value) || value.length === 0) failSelection(where, '(value)', 'expected a non-empty JSON list of interfaces');
  return value.map((raw, i): WantedAttachment => {
    const at = `[${i}]`;
    const entry = readObject(where, at, raw);
    for (const key of UNMAPPED) {
      if (entry[key] !== undefined) {
        throw new CniError('SELECTION_UNSUPPORTED', `unsupported ${where}: ${at}.${key}: DANM's ${key} has no CNI equivalent here; use "network" with a NetworkAttachmentDefinition or conf network`, {
          issues: [{ path: `${at}.${key}`, message: 'not supported' }],
        });
      }
    }
    const network = readString(where, `${at}.network`, entry['network']);
    if (!network) failSelection(where, `${at}.network`, 'is required');
    validateDnsLabel(where, `${at}.network`, network);
    if (entry['ip'] === undefined && entry['ip6'] === undefined) failSelection(where, at, 'at least one of ip and ip6 is required');
    const ips = [readIp(where, `${at}.ip`, entry['ip']), readIp(where, `${at}.ip6`, entry['ip6'])].filter((ip): ip is string => ip !== undefined);
    return { ref: { kind: 'danm-network', namespace: podNamespace, name: network }, autoIfName: `eth${i}`, isDefault: i === 0, ...(ips.length ? { ips } : {}) };
  });
}
