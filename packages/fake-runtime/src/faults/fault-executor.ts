/**
 * The runtime's executor: a decorator over the real one (execa, spawner or a test's) that injects
 * the fault plan's faults and crash point, and that stops delivering results once its driver's
 * life has crashed. Calls no rule hits go to the real executor unchanged.
 */
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from '@multinet/cni-driver';
import { createFrozenPromise, type DriverLife } from './driver-life.ts';
import type { FaultCall, FaultCounter, FaultDecision, InjectedFault } from './fault-plan.ts';

/** What the fault executor tells its runtime. */
export interface FaultExecutorHooks {
  /** A plugin fault hit a call (before its outcome is delivered). */
  onFault(fault: InjectedFault): void;
  /** The crash point was reached: the runtime must crash now. */
  onCrash(fault: InjectedFault): void;
}

const NO_OUTPUT = { stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false } as const;
const KILLED: PluginExecOutcome = { ...NO_OUTPUT, exitCode: null, signal: 'SIGKILL' };

/** The network, verb and pod of a plugin call, from its stdin and environment. Pure. */
export function buildFaultCall(request: Pick<PluginExecRequest, 'stdin' | 'env'>): FaultCall & { readonly cniVersion: string | undefined } {
  let conf: { name?: unknown; cniVersion?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(request.stdin);
    if (typeof parsed === 'object' && parsed !== null) conf = parsed as typeof conf;
  } catch {
    // VERSION and a few others send no config: no network, so no rule matches.
  }
  const args = new Map((request.env['CNI_ARGS'] ?? '').split(';').map((pair): [string, string] => [pair.split('=')[0] ?? '', pair.slice(pair.indexOf('=') + 1)]));
  const namespace = args.get('K8S_POD_NAMESPACE');
  const name = args.get('K8S_POD_NAME');
  return {
    network: typeof conf.name === 'string' ? conf.name : undefined,
    command: request.env['CNI_COMMAND'],
    pod: namespace && name ? `${namespace}/${name}` : undefined,
    cniVersion: typeof conf.cniVersion === 'string' ? conf.cniVersion : undefined,
  };
}

/** A plugin's error report, as a `fail` fault makes it. Pure. */
export function buildFailOutcome(cniVersion: string | undefined, fault: NonNullable<FaultDecision['fault']>): PluginExecOutcome {
  const stdout = JSON.stringify({ ...(cniVersion ? { cniVersion } : {}), code: fault.code, msg: fault.msg, details: `injected on ${fault.command} #${fault.nth} of ${fault.network}` });
  return { ...NO_OUTPUT, exitCode: 1, signal: null, stdout };
}

const describeFault = ({ network, command, pod, nth, action }: InjectedFault): InjectedFault => ({ network, command, pod, nth, action });

/** A plugin that never answers: ended by the driver's timeout or abort, like a real one. */
function waitLikeAHungPlugin(request: PluginExecRequest, life: DriverLife): Promise<PluginExecOutcome> {
  return new Promise((resolve) => {
    const finish = (outcome: PluginExecOutcome): void => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      life.signal.removeEventListener('abort', onCrash);
      resolve(outcome);
    };
    const onAbort = (): void => finish({ ...KILLED, aborted: true });
    const onCrash = (): void => finish(KILLED);
    const timer = setTimeout(() => finish({ ...KILLED, timedOut: true }), request.timeoutMs);
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    life.signal.addEventListener('abort', onCrash, { once: true });
  });
}

/**
 * Runs a call on `base` that the caller's signal or the crash aborts. (Not `AbortSignal.any`: its
 * dependents of a long-lived signal are kept until collected, one per plugin call.)
 */
async function runAbortable(base: PluginExecutor, request: PluginExecRequest, crash: AbortSignal): Promise<PluginExecOutcome> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (request.signal?.aborted || crash.aborted) abort();
  request.signal?.addEventListener('abort', abort, { once: true });
  crash.addEventListener('abort', abort, { once: true });
  try {
    return await base.execPlugin({ ...request, signal: controller.signal });
  } finally {
    request.signal?.removeEventListener('abort', abort);
    crash.removeEventListener('abort', abort);
  }
}

/**
 * Creates the runtime's executor over `base`: `executorFor(life)` is the executor one driver
 * gets. The counter is shared, so call numbers run on across restarts.
 */
export function createFaultExecutor(base: PluginExecutor, counter: FaultCounter | undefined, hooks: FaultExecutorHooks): { executorFor(life: DriverLife): PluginExecutor } {
  return {
    executorFor(life) {
      async function execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
        if (life.crashed) return createFrozenPromise();
        const call = buildFaultCall(request);
        const decision: FaultDecision = counter ? counter.decide(call) : {};
        if (decision.crash?.action === 'crash-before') {
          hooks.onCrash(decision.crash);
          return createFrozenPromise();
        }
        let outcome: PluginExecOutcome;
        if (decision.fault?.action === 'fail') {
          hooks.onFault(describeFault(decision.fault));
          outcome = buildFailOutcome(call.cniVersion, decision.fault);
        } else if (decision.fault?.action === 'hang') {
          hooks.onFault(describeFault(decision.fault));
          outcome = await life.track(waitLikeAHungPlugin(request, life));
        } else {
          outcome = await life.track(runAbortable(base, request, life.signal));
          if (decision.fault?.action === 'kill' && !life.crashed) {
            hooks.onFault(describeFault(decision.fault));
            outcome = KILLED;
          }
        }
        if (decision.crash?.action === 'crash-after') hooks.onCrash(decision.crash);
        return life.crashed ? createFrozenPromise() : outcome;
      }
      return {
        execPlugin,
        ...(base.releaseFence ? { releaseFence: (fenceFd: number) => base.releaseFence!(fenceFd) } : {}),
      };
    },
  };
}
