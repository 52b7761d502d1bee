/**
 * `multinet plan`: a dry run. For each pod of the manifests: the format its request was read in,
 * the wanted attachments with interface names, the default network, the cniVersion and the exact
 * config bytes each plugin would get. No plugin runs (unless `--probe-versions` asks VERSION,
 * which changes nothing) and no state is touched.
 */
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildPluginStdin,
  buildPodPlan,
  createCatalog,
  createCniConfig,
  createStaticObjectSource,
  createVersionNegotiator,
  CURRENT_CNI_VERSION,
  formatCniArgs,
  isCniError,
  parseNetworkConfigList,
  type PlannedAttachment,
} from '@multinet/cni-driver';
import { createManifestObjectSource } from '../api/manifest-source.ts';
import { derivePodUid } from '../api/pod-uid.ts';
import type { CommandIo } from './run-command.ts';

/** Usage of `multinet plan`. */
export const PLAN_USAGE = `usage: multinet plan --manifests <dir|file> --conf-dir <dir> [--bin-dir <dir>[:<dir>...]]
                     [--json] [--probe-versions] [--no-loopback] [--kubeconfig <path>]

  --manifests <dir|file>  Network objects and Pods (YAML/JSON); repeatable; must exist
  --conf-dir <dir>        CNI conf dir; must exist
  --bin-dir <dirs>        plugin dirs, colon-separated (default /opt/cni/bin)
  --json                  one JSON object per pod
  --probe-versions        ask thick plugins VERSION (read-only) instead of assuming ${CURRENT_CNI_VERSION}
  --no-loopback           leave out the loopback attachment
  --kubeconfig <path>     as run: handed to thick plugins in their config
  -h, --help              show this help

Nothing is run and nothing is written: a config with no cniVersion of its own (thick plugins,
loopback, a NAD without one) shows ${CURRENT_CNI_VERSION} marked "assumed" unless --probe-versions.
`;

/** One plugin of an attachment as planned. */
export interface PlannedPluginCall {
  readonly type: string;
  /** The exact stdin of ADD (for plugins after the first, `prevResult` is added at run time). */
  readonly stdin: string;
}

/** One attachment as the dry run shows it. */
export interface PlanAttachmentLine {
  readonly network: string;
  readonly networkName: string;
  readonly ifName: string;
  readonly isDefault: boolean;
  readonly source: string;
  readonly cniVersion: string;
  /** True when the version was not negotiated (no VERSION call). */
  readonly versionAssumed: boolean;
  /** CNI_ARGS as the plugin env gets it. */
  readonly cniArgs: string;
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
  /** The exact config list bytes (replayed on DEL). */
  readonly configText: string;
  readonly plugins: readonly PlannedPluginCall[];
  /** Default routes removed and added once it is made (NPWG `default-route`, KEP `isDefaultGW4/6`). */
  readonly defaultRoutes?: { readonly removeFamilies: ReadonlyArray<4 | 6>; readonly gateways: readonly string[] } | undefined;
}

/** One pod of the dry run. */
export interface PlanLine {
  readonly pod: string;
  readonly format: string | null;
  readonly ignoredFormats: readonly string[];
  /** `network on ifName` of the default attachment. */
  readonly defaultNetwork: string | null;
  readonly attachments: readonly PlanAttachmentLine[];
  readonly error: { readonly code: string; readonly message: string } | null;
}

function buildAttachmentLine(a: PlannedAttachment, assumed: ReadonlySet<string>): PlanAttachmentLine {
  const list = parseNetworkConfigList(a.configText);
  return {
    network: a.network,
    networkName: a.networkName,
    ifName: a.ifName,
    isDefault: a.isDefault,
    source: a.source,
    cniVersion: a.cniVersion,
    versionAssumed: assumed.has(a.configText),
    cniArgs: formatCniArgs(a.cniArgs),
    capabilityArgs: a.capabilityArgs,
    configText: a.configText,
    plugins: list.plugins.map((plugin) => ({ type: plugin.type, stdin: buildPluginStdin(list, plugin, { capabilityArgs: a.capabilityArgs }) })),
    ...(a.defaultRoutes ? { defaultRoutes: a.defaultRoutes } : {}),
  };
}

function formatPlanText(line: PlanLine): string {
  const out = [`pod ${line.pod}: format ${line.format ?? '(unreadable)'}${line.ignoredFormats.length ? ` (ignored: ${line.ignoredFormats.join(', ')})` : ''}`];
  if (line.error) return `${out[0]}\n  error ${line.error.code}: ${line.error.message}\n`;
  out.push(`  default network: ${line.defaultNetwork ?? '(none)'}`);
  for (const a of line.attachments) {
    out.push(`  ${a.ifName}  ${a.network}  (${a.source}, network "${a.networkName}", cniVersion ${a.cniVersion}${a.versionAssumed ? ' assumed' : ''})${a.isDefault ? '  default' : ''}`);
    out.push(`    CNI_ARGS=${a.cniArgs}`);
    if (a.defaultRoutes) {
      const removed = a.defaultRoutes.removeFamilies.map((f) => `IPv${f}`).join(', ') || 'none';
      out.push(`    default routes: remove ${removed}${a.defaultRoutes.gateways.length ? `; add via ${a.defaultRoutes.gateways.join(', ')}` : ''}`);
    }
    a.plugins.forEach((p, i) => out.push(`    plugin ${i + 1} ${p.type}${i > 0 ? ' (+ prevResult)' : ''}: ${p.stdin}`));
  }
  return `${out.join('\n')}\n`;
}

/**
 * Runs `multinet plan`; resolves to the exit status (0 even when pods have errors: they are
 * reported per pod).
 */
export async function runPlanCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        manifests: { type: 'string', multiple: true },
        'conf-dir': { type: 'string' },
        'bin-dir': { type: 'string', default: '/opt/cni/bin' },
        json: { type: 'boolean', default: false },
        'probe-versions': { type: 'boolean', default: false },
        'no-loopback': { type: 'boolean', default: false },
        kubeconfig: { type: 'string' },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
    if (values.help) {
      io.stdout(PLAN_USAGE);
      return 0;
    }
    if (!values.manifests?.length) throw new TypeError('Expected `--manifests <dir|file>`');
    if (values['conf-dir'] === undefined) throw new TypeError('Expected `--conf-dir <dir>`');
  } catch (error) {
    io.stderr(`multinet plan: ${error instanceof Error ? error.message : String(error)}\n${PLAN_USAGE}`);
    return 2;
  }
  const manifests = values.manifests.map((p) => resolve(p));
  const confDir = resolve(values['conf-dir']);
  const pluginDirs = values['bin-dir'].split(':').filter(Boolean).map((p) => resolve(p));
  for (const path of [...manifests, confDir]) {
    try {
      statSync(path);
    } catch {
      io.stderr(`multinet plan: ${path} does not exist\n`);
      return 2;
    }
  }
  const source = createManifestObjectSource({ paths: manifests, watch: false });
  const catalog = createCatalog({ confDir, pluginDirs, watch: false });
  try {
    await source.sync();
    const snapshot = await catalog.sync();
    const objects = createStaticObjectSource(source.listNetworks());
    const negotiator = values['probe-versions'] ? createVersionNegotiator({ context: createCniConfig({ pluginDirs, cacheDir: '/nonexistent/multinet-plan' }).context }) : undefined;
    for (const problem of source.problems) io.stderr(`multinet plan: skipped ${problem.file}: ${problem.message}\n`);
    for (const pod of source.listPods()) {
      const assumedTypes = new Set<string>();
      let line: PlanLine;
      try {
        const plan = await buildPodPlan({
          sandbox: { sandboxId: 'plan', netns: '/var/run/netns/plan', pod: { ...pod, uid: pod.uid ?? derivePodUid(pod.namespace, pod.name) } },
          catalog: snapshot,
          objects,
          negotiate: async (type, path) => {
            if (negotiator) return negotiator.negotiate(type, path);
            assumedTypes.add(type);
            return CURRENT_CNI_VERSION;
          },
          loopback: !values['no-loopback'],
          kubeconfig: values.kubeconfig === undefined ? undefined : resolve(values.kubeconfig),
        });
        // A config whose version came from the negotiate hook without a VERSION call is "assumed".
        const assumed = new Set(plan.attachments.filter((a) => parseNetworkConfigList(a.configText).plugins.some((p) => assumedTypes.has(p.type)) && a.cniVersion === CURRENT_CNI_VERSION && a.source !== 'conf').map((a) => a.configText));
        const attachments = plan.attachments.map((a) => buildAttachmentLine(a, assumed));
        const primary = attachments.find((a) => a.isDefault);
        line = {
          pod: `${pod.namespace}/${pod.name}`,
          format: plan.format ?? null,
          ignoredFormats: plan.ignoredFormats ?? [],
          defaultNetwork: primary ? `${primary.network} on ${primary.ifName}` : null,
          attachments,
          error: null,
        };
      } catch (error) {
        if (!isCniError(error)) throw error;
        line = { pod: `${pod.namespace}/${pod.name}`, format: null, ignoredFormats: [], defaultNetwork: null, attachments: [], error: { code: error.code, message: error.message } };
      }
      io.stdout(values.json ? `${JSON.stringify(line)}\n` : formatPlanText(line));
    }
  } finally {
    await source.close();
    await catalog.close();
  }
  return 0;
}
