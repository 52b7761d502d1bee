/**
 * `multinet run`: the fake runtime's sync loop on a manifest dir.
 */
import { createFakeRuntime, type FakeRuntime } from '../runtime.ts';
import { buildPodLine } from './pod-line.ts';
import { findMissingRunPath, parseRunFlags, RUN_USAGE, type RunFlags } from './run-flags.ts';
import { createCliLogger } from './logger.ts';
import { formatCommandError } from './command-error.ts';
import { buildSignalExitStatus, watchStopSignals, type StopSignal } from './stop-signals.ts';

/** The streams a command writes to. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function printPods(runtime: FakeRuntime, io: CommandIo): void {
  for (const pod of runtime.api.listPods()) {
    io.stdout(`${JSON.stringify(buildPodLine(pod, runtime.api.getPodStatus(`${pod.namespace}/${pod.name}`)))}\n`);
  }
}

/**
 * Runs `multinet run`; resolves to the exit status: non-zero when the loop cannot run, and
 * 128 + the signal's number when SIGTERM or SIGINT cut a `--once` sync short (the loop itself
 * stops on them with 0).
 */
export async function runRunCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let flags: RunFlags;
  try {
    flags = parseRunFlags(argv);
  } catch (error) {
    io.stderr(`multinet run: ${error instanceof Error ? error.message : String(error)}\n${RUN_USAGE}`);
    return 2;
  }
  if (flags.help) {
    io.stdout(RUN_USAGE);
    return 0;
  }
  const missing = findMissingRunPath(flags);
  if (missing !== undefined) {
    io.stderr(`multinet run: ${missing}\n`);
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
      netnsPrefix: flags.netnsPrefix,
      intervalMs: flags.intervalMs,
      pluginTimeoutMs: flags.pluginTimeoutMs,
      killGraceMs: flags.killGraceMs,
      maxManifestBytes: flags.maxManifestBytes,
      watch: !flags.once,
      kubeconfig: flags.kubeconfig,
      logger,
    });
  } catch (error) {
    io.stderr(formatCommandError('multinet run: cannot start the runtime', error, flags.debug));
    return 1;
  }
  // Loaded only with --node: @kubernetes/client-node is heavy.
  const api = flags.node !== undefined ? (await import('../api/k8s-source.ts')).startK8sSource({ kubeconfig: flags.kubeconfig!, node: flags.node, api: runtime.api, logger }) : undefined;
  runtime.on('podSetUp', (pod, status) => logger.info({ pod, podIPs: status.podIPs }, 'pod networks set up'));
  runtime.on('podSetUpFailed', (pod, error) => logger.warn({ pod, error }, 'pod networks not set up'));
  runtime.on('podTornDown', (pod) => logger.info({ pod }, 'pod networks torn down'));
  runtime.on('podTearDownFailed', (pod, error) => logger.warn({ pod, err: error }, 'pod teardown failed; will retry'));
  runtime.on('attachmentAdded', (pod, attachment) => logger.info({ pod, ...attachment }, 'attachment added'));
  runtime.on('attachmentRemoved', (pod, attachment) => logger.info({ pod, ...attachment }, 'attachment removed'));
  runtime.on('attachmentRepaired', (pod, attachment) => logger.warn({ pod, ...attachment }, 'attachment found broken after a restart; made again'));
  runtime.on('attachmentFailed', (pod, failure) => logger.warn({ pod, failure }, 'attachment failed; will retry'));
  runtime.on('defaultNetworkSwitched', (pod, change) => logger.info({ pod, ...change }, 'default network switched'));

  if (flags.once) {
    // SIGTERM/SIGINT during the one sync: plugin calls in flight are killed (they run detached,
    // so dying of the signal would leave them running); each step was recorded before it began,
    // so the next start finishes it. The status is the shell's for a command ended by the signal.
    let stopped: StopSignal | undefined;
    let onStop: () => void = () => undefined;
    const stopping = new Promise<void>((resolveStop) => (onStop = resolveStop));
    const unwatch = watchStopSignals((signal) => {
      stopped = signal;
      logger.info({ signal }, 'stopping: killing plugin calls in flight');
      onStop();
    });
    const sync = (async () => {
      await api?.synced;
      await runtime.syncOnce();
      await api?.flush();
    })();
    sync.catch(() => undefined);
    try {
      await Promise.race([sync, stopping]);
    } catch (error) {
      unwatch();
      logger.error({ err: error }, 'sync failed');
      await api?.close();
      await runtime.close();
      return 1;
    }
    unwatch();
    if (stopped !== undefined) {
      await api?.close();
      await runtime.close({ abort: true });
      return buildSignalExitStatus(stopped);
    }
    if (flags.json) printPods(runtime, io);
    await api?.close();
    await runtime.close();
    return 0;
  }

  runtime.on('syncDone', () => {
    if (flags.json) printPods(runtime, io);
  });
  runtime.on('syncFailed', (error) => logger.error({ err: error }, 'sync failed'));
  return new Promise<number>((resolveExit) => {
    // SIGTERM/SIGINT: plugin calls in flight are killed and the loop ends within seconds; every
    // step is recorded before it starts, so the next start finishes what was cut short.
    watchStopSignals((signal) => {
      logger.info({ signal }, 'stopping: killing plugin calls in flight');
      void (api ? api.close() : Promise.resolve()).then(() => runtime.close({ abort: true })).then(() => resolveExit(0));
    });
    runtime.start();
    logger.info({ intervalMs: flags.intervalMs, netns: runtime.netnsMode }, 'sync loop running');
  });
}
