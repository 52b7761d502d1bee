/**
 * The flags of `multinet run`: usage text, parsing (paths made absolute, durations and sizes
 * read with the flag's name in any refusal), and the check that named paths exist.
 */
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from './duration.ts';
import { parseByteSize } from './byte-size.ts';
import { DEFAULT_NETNS_PREFIX } from '../sandbox/netns.ts';

/** Usage of `multinet run`. */
export const RUN_USAGE = `usage: multinet run --manifests <dir|file> [--conf-dir <dir>] [--bin-dir <dir>[:<dir>...]]
                    [--state-dir <dir>] [--netns real|fake] [--netns-prefix <prefix>] [--interval <duration>]
                    [--plugin-timeout <duration>] [--kill-grace <duration>] [--max-manifest-bytes <size>]
                    [--once] [--json] [--kubeconfig <path> [--node <name>]] [--debug]

  --manifests <dir|file>  Network objects and Pods (YAML/JSON); repeatable; must exist
  --conf-dir <dir>        CNI conf dir (default /etc/cni/net.d); must exist
  --bin-dir <dirs>        plugin dirs, colon-separated (default /opt/cni/bin)
  --state-dir <dir>       checkpoints, cache, sandbox registry (default /var/lib/multinet)
  --netns real|fake|auto  real network namespaces (root), fake paths, or real when possible (default auto)
  --netns-prefix <prefix> sandbox namespace names are <prefix><12 hex> (default multinet-sb-)
  --interval <duration>   time between syncs, e.g. 2s, 500ms, 1m (default 2s)
  --plugin-timeout <duration>
                          a plugin call still running after this is killed with its process
                          group and fails with PLUGIN_TIMEOUT (default 60s)
  --kill-grace <duration> time between SIGTERM and SIGKILL of a timed-out or aborted plugin's
                          process group (default 2s)
  --max-manifest-bytes <size>
                          a manifest file larger than this is skipped unread (MANIFEST_TOO_LARGE);
                          bytes, or KiB/MiB, e.g. 512KiB (default 1MiB)
  --once                  one sync, then exit
  --json                  one JSON line per pod after each sync
  --kubeconfig <path>     passed to thick plugins; with --node, also the API server to use
  --node <name>           run this node's pods from the API server of --kubeconfig (pods and
                          network objects listed and watched; network-status written back)
  --debug                 print stack traces of failures
  -h, --help              show this help
`;

/** Parsed `run` flags. */
export interface RunFlags {
  readonly manifests: string[];
  readonly confDir: string;
  readonly pluginDirs: string[];
  readonly stateDir: string;
  readonly netns: 'real' | 'fake' | 'auto';
  /** `--netns-prefix`: 1-32 letters, digits or `-`. */
  readonly netnsPrefix: string;
  readonly intervalMs: number;
  /** `--plugin-timeout`: the timeout of each plugin call (undefined: the driver's default). */
  readonly pluginTimeoutMs?: number | undefined;
  /** `--kill-grace`: SIGTERM→SIGKILL grace of a killed plugin call (undefined: the driver's default). */
  readonly killGraceMs?: number | undefined;
  /** `--max-manifest-bytes`: larger manifest files are skipped unread (undefined: the runtime's default). */
  readonly maxManifestBytes?: number | undefined;
  readonly once: boolean;
  readonly json: boolean;
  readonly kubeconfig?: string | undefined;
  /** `--node`: run this node's pods from the API server of `kubeconfig`. */
  readonly node?: string | undefined;
  /** `--help`: print the usage and do nothing else. */
  readonly help: boolean;
  /** `--debug`: stack traces of failures. */
  readonly debug: boolean;
}

/** The longest delay a Node timer keeps (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Parses an optional flag's value, naming the flag in the error. */
function readFlag<T>(flag: string, text: string | undefined, parse: (text: string) => T): T | undefined {
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (error) {
    throw new TypeError(`\`${flag}\`: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A duration flag that becomes a timer: at most {@link MAX_TIMER_MS}. */
function readTimerFlag(flag: string, text: string | undefined): number | undefined {
  return readFlag(flag, text, (value) => {
    const ms = parseDuration(value);
    if (ms > MAX_TIMER_MS) throw new TypeError(`Expected a duration of at most ${MAX_TIMER_MS} ms, got \`${value}\``);
    return ms;
  });
}

/**
 * Parses the flags of `multinet run` (paths made absolute).
 *
 * @throws {TypeError} on a missing or malformed flag
 */
export function parseRunFlags(argv: readonly string[], cwd = process.cwd()): RunFlags {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      manifests: { type: 'string', multiple: true },
      'conf-dir': { type: 'string', default: '/etc/cni/net.d' },
      'bin-dir': { type: 'string', default: '/opt/cni/bin' },
      'state-dir': { type: 'string', default: '/var/lib/multinet' },
      netns: { type: 'string', default: 'auto' },
      'netns-prefix': { type: 'string', default: DEFAULT_NETNS_PREFIX },
      interval: { type: 'string', default: '2s' },
      'plugin-timeout': { type: 'string' },
      'kill-grace': { type: 'string' },
      'max-manifest-bytes': { type: 'string' },
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      node: { type: 'string' },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return {
      manifests: [], confDir: '', pluginDirs: [], stateDir: '', netns: 'auto', netnsPrefix: DEFAULT_NETNS_PREFIX, intervalMs: 0,
      once: false, json: false, help: true, debug: values.debug,
    };
  }
  if (values.node !== undefined && values.kubeconfig === undefined) throw new TypeError('Expected `--kubeconfig <path>` with `--node`');
  if (!values.manifests?.length && values.node === undefined) throw new TypeError('Expected `--manifests <dir|file>`');
  const netns = values.netns;
  if (netns !== 'real' && netns !== 'fake' && netns !== 'auto') {
    throw new TypeError(`Expected \`--netns\` to be real, fake or auto, got \`${netns}\``);
  }
  const netnsPrefix = values['netns-prefix'];
  if (!/^[A-Za-z0-9-]{1,32}$/.test(netnsPrefix)) {
    throw new TypeError(`Expected \`--netns-prefix\` to be 1-32 letters, digits or '-', got \`${netnsPrefix}\``);
  }
  return {
    manifests: (values.manifests ?? []).map((p) => resolve(cwd, p)),
    confDir: resolve(cwd, values['conf-dir']),
    pluginDirs: values['bin-dir'].split(':').filter(Boolean).map((p) => resolve(cwd, p)),
    stateDir: resolve(cwd, values['state-dir']),
    netns,
    netnsPrefix,
    intervalMs: parseDuration(values.interval),
    pluginTimeoutMs: readTimerFlag('--plugin-timeout', values['plugin-timeout']),
    killGraceMs: readTimerFlag('--kill-grace', values['kill-grace']),
    maxManifestBytes: readFlag('--max-manifest-bytes', values['max-manifest-bytes'], parseByteSize),
    once: values.once,
    json: values.json,
    kubeconfig: values.kubeconfig === undefined ? undefined : resolve(cwd, values.kubeconfig),
    ...(values.node !== undefined ? { node: values.node } : {}),
    help: false,
    debug: values.debug,
  };
}

/**
 * The first path flag that names nothing on disk (or a conf dir that is not a directory), as a
 * one-line message; `undefined` when every path is there.
 */
export function findMissingRunPath(flags: RunFlags): string | undefined {
  const kind = (path: string): 'dir' | 'file' | undefined => {
    try {
      return statSync(path).isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  };
  for (const path of flags.manifests) {
    if (kind(path) === undefined) return `--manifests ${path} does not exist`;
  }
  const conf = kind(flags.confDir);
  if (conf === undefined) return `--conf-dir ${flags.confDir} does not exist`;
  if (conf !== 'dir') return `--conf-dir ${flags.confDir} is not a directory`;
  return undefined;
}
