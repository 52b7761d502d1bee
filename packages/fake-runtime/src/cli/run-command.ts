/**
 * `multinet run`: the fake runtime's sync loop on a manifest dir.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createFakeRuntime, type FakeRuntime } from '../runtime.ts';
import { buildPodLine } from './pod-line.ts';
import { parseDuration } from './duration.ts';
import { createCliLogger } from './logger.ts';

/** Usage of `multinet run`. */
export const RUN_USAGE = `usage: multinet run --manifests <dir|file> [--conf-dir <dir>] [--bin-dir <dir>[:<dir>...]]
                    [--state-dir <dir>] [--netns real|fake] [--interval <duration>]
                    [--once] [--json] [--kubeconfig <path>]
`;

/** The streams a command writes to. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Parsed `run` flags. */
export interface RunFlags {
  readonly manifests: string[];
  readonly confDir: string;
  readonly pluginDirs: string[];
  readonly stateDir: string;
  readonly netns: 'real' | 'fake' | 'auto';
  readonly intervalMs: number;
  readonly once: boolean;
  readonly json: boolean;
  readonly kubeconfig?: string | undefined;
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
      interval: { type: 'string', default: '2s' },
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
    },
  });
  if (!values.manifests?.length) throw new TypeError('Expected `--manifests <dir|file>`');
  const netns = values.netns;
  if (netns !== 'real' && netns !== 'fake' && netns !== 'auto') {
    throw new TypeError(`Expected \`--netns\` to be real, fake or auto, got \`${netns}\``);
  }
  return {
    manifests: values.manifests.map((p) => resolve(cwd, p)),
    confDir: resolve(cwd, values['conf-dir']),
    pluginDirs: values['bin-dir'].split(':').filter(Boolean).map((p) => resolve(cwd, p)),
    stateDir: resolve(cwd, values['state-dir']),
    netns,
    intervalMs: parseDuration(values.interval),
    once: values.once,
    json: values.json,
    kubeconfig: values.kubeconfig === undefined ? undefined : resolve(cwd, values.kubeconfig),
  };
}

function printPods(runtime: FakeRuntime, io: CommandIo): void {
  for (const pod of runtime.api.listPods()) {
    io.stdout(`${JSON.stringify(buildPodLine(pod, runtime.api.getPodStatus(`${pod.namespace}/${pod.name}`)))}\n`);
  }
}

/**
 * Runs `multinet run`; resolves to the exit status (non-zero only when the loop cannot run).
 */
export async function runRunCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let flags: RunFlags;
  try {
    flags = parseRunFlags(argv);
  } catch (error) {
    io.stderr(`multinet run: ${error instanceof Error ? error.message : String(error)}\n${RUN_USAGE}`);
    return 2;
  }
  const logger = createCliLogger();
  let runtime: FakeRuntime;
  try {
    runtime = await createFakeRuntime({
      manifests: flags.manifests,
      confDir: flags.confDir,
      pluginDirs: flags.pluginDirs,
      stateDir: flags.stateDir,
      netns: flags.netns,
      intervalMs: flags.intervalMs,
      watch: !flags.once,
      kubeconfig: flags.kubeconfig,
      logger,
    });
  } catch (error) {
    logger.error({ err: error }, 'cannot start the runtime');
    return 1;
  }
  runtime.on('podSetUp', (pod, status) => logger.info({ pod, podIPs: status.podIPs }, 'pod networks set up'));
  runtime.on('podSetUpFailed', (pod, error) => logger.warn({ pod, error }, 'pod networks not set up'));
  runtime.on('podTornDown', (pod) => logger.info({ pod }, 'pod networks torn down'));
  runtime.on('podTearDownFailed', (pod, error) => logger.warn({ pod, err: error }, 'pod teardown failed; will retry'));

  if (flags.once) {
    try {
      await runtime.syncOnce();
    } catch (error) {
      logger.error({ err: error }, 'sync failed');
      await runtime.close();
      return 1;
    }
    if (flags.json) printPods(runtime, io);
    await runtime.close();
    return 0;
  }

  runtime.on('syncDone', () => {
    if (flags.json) printPods(runtime, io);
  });
  runtime.on('syncFailed', (error) => logger.error({ err: error }, 'sync failed'));
  return new Promise<number>((resolveExit) => {
    const stop = (): void => {
      void runtime.close().then(() => resolveExit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    runtime.start();
    logger.info({ intervalMs: flags.intervalMs, netns: runtime.netnsMode }, 'sync loop running');
  });
}
