/**
 * Turning what a plugin process did into its answer or a typed error. Pure.
 */
import { CNI_WELL_KNOWN_CODES, CniError, PluginErrorSchema, type CniErrorCode } from '@multinet/cni-types';
import type { PluginExecOutcome } from './plugin-executor.ts';

/** Who was called, for messages and error details. */
export interface PluginCallContext {
  readonly plugin: string;
  readonly command: string;
  readonly network?: string | undefined;
  readonly ifName?: string | undefined;
  readonly containerId?: string | undefined;
}

const MAX_SNIPPET = 200;
const snippet = (text: string): string => {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > MAX_SNIPPET ? `${trimmed.slice(0, MAX_SNIPPET)}…` : trimmed);
};

function describe(context: PluginCallContext): string {
  const network = context.network === undefined ? '' : ` network="${context.network}"`;
  return `plugin type="${context.plugin}"${network} failed on ${context.command}`;
}

function baseDetails(context: PluginCallContext, outcome: PluginExecOutcome) {
  return {
    plugin: context.plugin,
    network: context.network,
    ifName: context.ifName,
    containerId: context.containerId,
    command: context.command,
    exitCode: outcome.exitCode ?? undefined,
    signal: outcome.signal ?? undefined,
    stderr: outcome.stderr === '' ? undefined : outcome.stderr.slice(0, 4096),
  };
}

/**
 * Reads a plugin's outcome: on exit 0 the stdout as JSON (`undefined` when empty or `null`), unless
 * it is an error JSON (`code` ≥ 1 and `msg`, no result field), which fails like a non-zero exit;
 * otherwise the error JSON on stdout mapped to a code (spec well-known codes each have one; 11
 * is TRY_AGAIN_LATER; 100+ stay as PLUGIN_FAILED with `pluginCode`), stderr as the fallback
 * message. Timeouts, aborts, output caps and spawn failures have their own codes.
 *
 * @throws {CniError} PLUGIN_TIMEOUT, OPERATION_ABORTED, PLUGIN_OUTPUT_TOO_LARGE, PLUGIN_SPAWN_FAILED,
 *   PLUGIN_OUTPUT_INVALID, PLUGIN_FAILED and the well-known codes
 */
export function parsePluginOutcome(context: PluginCallContext, outcome: PluginExecOutcome): unknown {
  const details = baseDetails(context, outcome);
  const head = describe(context);
  if (outcome.spawnError) {
    throw new CniError('PLUGIN_SPAWN_FAILED', `${head}: cannot start it (${outcome.spawnError.code}: ${outcome.spawnError.message})`, details);
  }
  if (outcome.timedOut) {
    throw new CniError('PLUGIN_TIMEOUT', `${head}: timed out; its process group was killed`, details);
  }
  if (outcome.aborted) {
    throw new CniError('OPERATION_ABORTED', `${head}: aborted by the caller; its process group was killed`, details);
  }
  if (outcome.outputTooLarge) {
    throw new CniError('PLUGIN_OUTPUT_TOO_LARGE', `${head}: it wrote more output than allowed; it was killed`, details);
  }
  const status = outcome.exitCode === null ? `signal ${outcome.signal ?? 'unknown'}` : `exit ${outcome.exitCode}`;
  if (outcome.exitCode === 0) {
    if (outcome.stdout.trim() === '') return undefined;
    let answer: unknown;
    try {
      answer = JSON.parse(outcome.stdout) ?? undefined;
    } catch {
      throw new CniError('PLUGIN_OUTPUT_INVALID', `plugin type="${context.plugin}" answered ${context.command} with output that is not JSON: ${snippet(outcome.stdout)}`, details);
    }
    // An error JSON is not a result, whatever the exit status: libcni would take it for an empty
    // result and the pod would be "ready" with no network. It fails as the plugin reported.
    if (isReportedError(answer)) throwReported(head, status, details, PluginErrorSchema.parse(answer));
    return answer;
  }
  if (outcome.stdout.trim() === '') {
    const message = outcome.stderr.trim() === ''
      ? `${head} (${status}): netplugin failed with no error message`
      : `${head} (${status}): netplugin failed: ${snippet(outcome.stderr)}`;
    throw new CniError('PLUGIN_FAILED', message, details);
  }
  let json: unknown;
  try {
    json = JSON.parse(outcome.stdout);
  } catch {
    throw new CniError('PLUGIN_FAILED', `${head} (${status}): netplugin failed but error parsing its diagnostic message ${snippet(outcome.stdout)}`, details);
  }
  const reported = PluginErrorSchema.safeParse(json);
  if (!reported.success) {
    throw new CniError('PLUGIN_FAILED', `${head} (${status}): netplugin failed but error parsing its diagnostic message ${snippet(outcome.stdout)}`, details);
  }
  throwReported(head, status, details, reported.data);
}

/** Keys only a result (or a VERSION answer) has: an object with one of them is not an error. */
const RESULT_KEYS = ['interfaces', 'ips', 'routes', 'dns', 'ip4', 'ip6', 'supportedVersions'];

/** An error JSON (`{"code": n ≥ 1, "msg": "…"}`) and nothing of a result. */
function isReportedError(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return false;
  const { code, msg } = answer as { code?: unknown; msg?: unknown };
  return Number.isInteger(code) && (code as number) >= 1 && typeof msg === 'string' && !RESULT_KEYS.some((key) => Object.hasOwn(answer, key));
}

function throwReported(head: string, status: string, details: ReturnType<typeof baseDetails>, reported: { code: number; msg?: string | undefined; details?: string | undefined }): never {
  const { code: pluginCode, msg = '', details: pluginDetails } = reported;
  const code: CniErrorCode = CNI_WELL_KNOWN_CODES[pluginCode] ?? 'PLUGIN_FAILED';
  const text = pluginDetails ? `${msg}; ${pluginDetails}` : msg;
  throw new CniError(code, `${head} (${status}, code ${pluginCode}): ${JSON.stringify(text)}`, {
    ...details,
    pluginCode,
    pluginMsg: msg,
    pluginDetails,
  });
}
