/**
 * The shapes of the well-known capability args (CNI CONVENTIONS.md, "Well-known capabilities"),
 * checked before any plugin runs or anything is recorded. A plugin decodes a capability it declares
 * into the conventions' struct; a value of the wrong JSON type (`"portMappings": "x"`) would fail
 * that decode inside the plugin, after the runtime has already recorded the attachment. So what a
 * plugin would refuse to decode is refused here, with the capability and the field named.
 *
 * Only types (and port and rate ranges) are checked, not presence: libcni passes capability args
 * through unchecked, and entries missing a field, or carrying extra ones, decode to Go's zero
 * values (cnitool parity, test/cnitool-parity.test.ts). `null` decodes to the zero value too, so it
 * is accepted anywhere; unknown capabilities pass through untouched. Pure.
 */
import { z } from 'zod';
import { CniError, formatIssues } from '@multinet/cni-types';

const text = z.string().nullish();
const texts = z.array(z.string()).nullish();
const port = z.number().int().min(0).max(65535).nullish();
const rate = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish();

/** `portMappings`: `[{hostPort, containerPort, protocol, hostIP}]`. */
const PortMappingsSchema = z.array(z.looseObject({ hostPort: port, containerPort: port, protocol: text, hostIP: text }).nullable());

/** `ipRanges`: a list of range sets, each a list of `{subnet, rangeStart, rangeEnd, gateway}`. */
const IpRangesSchema = z.array(z.array(z.looseObject({ subnet: text, rangeStart: text, rangeEnd: text, gateway: text }).nullable()).nullable());

/** `bandwidth`: `{ingressRate, ingressBurst, egressRate, egressBurst}` (bits, unsigned integers). */
const BandwidthSchema = z.looseObject({ ingressRate: rate, ingressBurst: rate, egressRate: rate, egressBurst: rate });

/** `dns`: `{searches, servers, options}` (lists of strings), plus `domain` as the result's DNS has it. */
const DnsSchema = z.looseObject({ searches: texts, servers: texts, options: texts, domain: text });

/** The well-known capabilities and the shape each must have. */
const WELL_KNOWN_CAPABILITIES: Readonly<Record<string, z.ZodType>> = {
  portMappings: PortMappingsSchema,
  ipRanges: IpRangesSchema,
  bandwidth: BandwidthSchema,
  dns: DnsSchema,
  ips: z.array(z.string()),
  mac: z.string(),
  infinibandGUID: z.string(),
  deviceID: z.string(),
  aliases: z.array(z.string()),
  cgroupPath: z.string(),
};

/** The names of the capabilities whose shape {@link validateCapabilityArgs} checks. */
export const WELL_KNOWN_CAPABILITY_NAMES: readonly string[] = Object.freeze(Object.keys(WELL_KNOWN_CAPABILITIES));

function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/**
 * Checks capability args: a plain object, whose well-known capabilities have the shape the CNI
 * conventions give them. `source` names where they came from in the message (`CAP_ARGS`,
 * `sandbox sb-1 attachment net1`). Unknown capabilities pass untouched; `null` values are accepted.
 *
 * @example
 * ```ts
 * validateCapabilityArgs({ portMappings: 'x' }, 'CAP_ARGS');
 * // throws CniError CAPABILITY_ARGS_INVALID:
 * // CAP_ARGS: capability "portMappings" has the wrong shape at field "portMappings": expected array, received string
 * ```
 * @throws {CniError} CAPABILITY_ARGS_INVALID naming the capability and the field
 */
export function validateCapabilityArgs(args: unknown, source: string, context: { containerId?: string | undefined; ifName?: string | undefined } = {}): void {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new CniError('CAPABILITY_ARGS_INVALID', `${source}: capability args must be a JSON object, got ${describeJson(args)}`, context);
  }
  for (const [capability, value] of Object.entries(args)) {
    const schema = Object.hasOwn(WELL_KNOWN_CAPABILITIES, capability) ? WELL_KNOWN_CAPABILITIES[capability] : undefined;
    if (schema === undefined || value === null) continue;
    const parsed = schema.safeParse(value);
    if (parsed.success) continue;
    const issues = formatIssues(parsed.error.issues.map((issue) => ({ ...issue, path: [capability, ...issue.path] })));
    const first = issues[0]!;
    const got = describeJson(parsed.error.issues[0]!.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], value));
    throw new CniError(
      'CAPABILITY_ARGS_INVALID',
      `${source}: capability "${capability}" has the wrong shape at field "${first.path}": ${first.message} (got ${got})`,
      { ...context, issues },
    );
  }
}

/** The capability names of an attachment runtime config's fields (`infinibandGUID` is already the capability's). */
const RUNTIME_CONFIG_CAPABILITIES = ['portMappings', 'bandwidth', 'ips', 'mac', 'infinibandGUID'] as const;

/**
 * Checks every capability arg a library caller hands over with a sandbox, before it is planned:
 * the sandbox's `portMappings`, `bandwidth` and `capabilityArgs`, and each entry of
 * `attachmentRuntimeConfig` (whose `portMappings`, `bandwidth`, `ips`, `mac` and `infinibandGUID`
 * become that attachment's capability args).
 *
 * @throws {CniError} CAPABILITY_ARGS_INVALID naming the sandbox, the capability and the field
 */
export function validateSandboxCapabilityArgs(sandbox: {
  readonly sandboxId: string;
  readonly portMappings?: unknown;
  readonly bandwidth?: unknown;
  readonly capabilityArgs?: unknown;
  readonly attachmentRuntimeConfig?: unknown;
}): void {
  const containerId = sandbox.sandboxId;
  const where = `sandbox ${JSON.stringify(containerId)}`;
  if (sandbox.capabilityArgs !== undefined) validateCapabilityArgs(sandbox.capabilityArgs, `${where} capabilityArgs`, { containerId });
  const own: Record<string, unknown> = {};
  if (sandbox.portMappings !== undefined) own['portMappings'] = sandbox.portMappings;
  if (sandbox.bandwidth !== undefined) own['bandwidth'] = sandbox.bandwidth;
  validateCapabilityArgs(own, where, { containerId });
  const byKey = sandbox.attachmentRuntimeConfig;
  if (byKey === undefined) return;
  if (typeof byKey !== 'object' || byKey === null || Array.isArray(byKey)) {
    throw new CniError('CAPABILITY_ARGS_INVALID', `${where}: attachmentRuntimeConfig must be an object keyed by network, got ${describeJson(byKey)}`, { containerId });
  }
  for (const [key, config] of Object.entries(byKey)) {
    const at = `${where} attachmentRuntimeConfig[${JSON.stringify(key)}]`;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new CniError('CAPABILITY_ARGS_INVALID', `${at}: expected an object, got ${describeJson(config)}`, { containerId });
    }
    const capabilities: Record<string, unknown> = {};
    for (const name of RUNTIME_CONFIG_CAPABILITIES) {
      const value = (config as Record<string, unknown>)[name];
      if (value !== undefined) capabilities[name] = value;
    }
    validateCapabilityArgs(capabilities, at, { containerId });
  }
}
