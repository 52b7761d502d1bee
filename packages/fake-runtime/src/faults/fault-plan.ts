/**
 * Fault plans: which plugin calls of which network fail, hang or die, and where the runtime
 * crashes. The decisions are pure: a call is identified by its network (the stdin's `name`), its
 * verb (`CNI_COMMAND`), its pod (`K8S_POD_NAMESPACE`/`K8S_POD_NAME` of `CNI_ARGS`) and its
 * number among the calls that match a rule, so the same plan and seed hit the same calls every
 * run — whatever order concurrent pods happen to run in, when a rule names its pod.
 */
import { createHash } from 'node:crypto';

/** The plugin verbs a fault can hit. */
export type FaultCommand = 'ADD' | 'DEL' | 'CHECK';

/**
 * What a faulty plugin call does:
 * - `fail`: the plugin is not run; the call reports a CNI error (`code`, `msg`) on stdout, exit 1.
 * - `hang`: the plugin is not run; the call never answers, so the driver's plugin timeout (or its
 *   abort) ends it exactly as it ends a real plugin that hangs (`PLUGIN_TIMEOUT`).
 * - `kill`: the plugin runs to completion — its effects are real — then the call reports it was
 *   killed by SIGKILL with no output: the driver never learns the outcome.
 */
export type PluginFaultAction = 'fail' | 'hang' | 'kill';

/** Which calls a rule matches. */
export interface FaultTarget {
  /** The network name, as in the conf file (the stdin's `name`). */
  readonly network: string;
  /** The verb. */
  readonly command: FaultCommand;
  /** Only calls for this pod (`namespace/name`); calls are then counted per pod. @default every pod */
  readonly pod?: string | undefined;
}

/** One plugin fault: `action` on the matching calls chosen by `nth` or by `probability`. */
export interface PluginFault extends FaultTarget {
  readonly action: PluginFaultAction;
  /**
   * The matching calls it hits, counted from 1 over the runtime's life (restarts included). Each
   * plugin of a chain is one call. Give `nth` or `probability`, not both.
   */
  readonly nth?: number | readonly number[] | undefined;
  /**
   * Hit each matching call with this probability (0–1), drawn from the plan's `seed`, the call's
   * pod and its number among that pod's matching calls: the same calls are hit in every run.
   */
  readonly probability?: number | undefined;
  /** `fail`: the CNI error code the plugin reports (11 is "try again later"). @default 100 */
  readonly code?: number | undefined;
  /** `fail`: the error message. @default a message naming the fault */
  readonly msg?: string | undefined;
}

/** Where the runtime crashes: at the `nth` matching plugin call, before it starts or after it ran. */
export interface CrashPoint extends FaultTarget {
  /** The matching call, counted from 1 over the runtime's life. */
  readonly nth: number;
  /**
   * `before`: the plugin never starts (the record says `adding`/`deleting`, nothing was done);
   * `after`: the plugin ran to completion, the runtime dies before it sees the result.
   * @default 'after'
   */
  readonly when?: 'before' | 'after' | undefined;
}

/** The faults of a runtime: see {@link PluginFault} and {@link CrashPoint}. */
export interface FaultPlan {
  /** Seed of the `probability` draws. @default 1 */
  readonly seed?: number | undefined;
  /** Plugin faults; the first rule that hits a call wins. */
  readonly plugins?: readonly PluginFault[] | undefined;
  /** The crash point (at most one per runtime; it fires once). */
  readonly crash?: CrashPoint | undefined;
}

/** One plugin call as the fault plan sees it. */
export interface FaultCall {
  readonly network: string | undefined;
  readonly command: string | undefined;
  readonly pod: string | undefined;
}

/** A fault that hit a call (the `faultInjected` event). */
export interface InjectedFault {
  readonly network: string;
  readonly command: FaultCommand;
  readonly pod: string | undefined;
  /** The call's number among those its rule matches. */
  readonly nth: number;
  readonly action: PluginFaultAction | 'crash-before' | 'crash-after';
}

/** What to do with one call. */
export interface FaultDecision {
  readonly fault?: (InjectedFault & { readonly action: PluginFaultAction; readonly code: number; readonly msg: string }) | undefined;
  readonly crash?: (InjectedFault & { readonly action: 'crash-before' | 'crash-after' }) | undefined;
}

const COMMANDS: readonly string[] = ['ADD', 'DEL', 'CHECK'];
const POD_PATTERN = /^[^/\s]+\/[^/\s]+$/;

function validateTarget(where: string, target: FaultTarget): void {
  if (typeof target.network !== 'string' || target.network === '') throw new TypeError(`Expected \`${where}.network\` to be a network name, got \`${JSON.stringify(target.network)}\``);
  if (!COMMANDS.includes(target.command)) throw new TypeError(`Expected \`${where}.command\` to be ADD, DEL or CHECK, got \`${JSON.stringify(target.command)}\``);
  if (target.pod !== undefined && !POD_PATTERN.test(target.pod)) throw new TypeError(`Expected \`${where}.pod\` to be \`namespace/name\`, got \`${JSON.stringify(target.pod)}\``);
}

const isCallNumber = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 1;

/**
 * Checks a fault plan.
 *
 * @throws {TypeError} naming the first malformed field
 */
export function validateFaultPlan(plan: FaultPlan): void {
  if (plan.seed !== undefined && !Number.isSafeInteger(plan.seed)) throw new TypeError(`Expected \`faults.seed\` to be an integer, got \`${JSON.stringify(plan.seed)}\``);
  (plan.plugins ?? []).forEach((fault, index) => {
    const where = `faults.plugins[${index}]`;
    validateTarget(where, fault);
    if (!['fail', 'hang', 'kill'].includes(fault.action)) throw new TypeError(`Expected \`${where}.action\` to be fail, hang or kill, got \`${JSON.stringify(fault.action)}\``);
    const hasNth = fault.nth !== undefined;
    const hasProbability = fault.probability !== undefined;
    if (hasNth === hasProbability) throw new TypeError(`Expected \`${where}\` to have either \`nth\` or \`probability\``);
    const nths = typeof fault.nth === 'number' ? [fault.nth] : (fault.nth ?? []);
    if (hasNth && (nths.length === 0 || !nths.every(isCallNumber))) throw new TypeError(`Expected \`${where}.nth\` to be a call number from 1 (or a list of them), got \`${JSON.stringify(fault.nth)}\``);
    if (hasProbability && !(typeof fault.probability === 'number' && fault.probability >= 0 && fault.probability <= 1)) {
      throw new TypeError(`Expected \`${where}.probability\` to be between 0 and 1, got \`${JSON.stringify(fault.probability)}\``);
    }
    if (fault.code !== undefined && !(Number.isInteger(fault.code) && fault.code > 0)) throw new TypeError(`Expected \`${where}.code\` to be a positive integer, got \`${JSON.stringify(fault.code)}\``);
  });
  if (plan.crash) {
    validateTarget('faults.crash', plan.crash);
    if (!isCallNumber(plan.crash.nth)) throw new TypeError(`Expected \`faults.crash.nth\` to be a call number from 1, got \`${JSON.stringify(plan.crash.nth)}\``);
    if (plan.crash.when !== undefined && plan.crash.when !== 'before' && plan.crash.when !== 'after') {
      throw new TypeError(`Expected \`faults.crash.when\` to be before or after, got \`${JSON.stringify(plan.crash.when)}\``);
    }
  }
}

const matches = (target: FaultTarget, call: FaultCall): boolean =>
  call.network === target.network && call.command === target.command && (target.pod === undefined || call.pod === target.pod);

/** A uniform draw in [0, 1) from the seed and the call's identity: the same call, the same draw. Pure. */
export function selectFaultDraw(seed: number, rule: number, call: FaultCall, nth: number): number {
  const digest = createHash('sha256').update(`${seed}\0${rule}\0${call.network}\0${call.command}\0${call.pod ?? ''}\0${nth}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * Creates the counting half of a plan: each rule counts the calls it matches; {@link FaultCounter.decide}
 * says what to do with the next call. Pure apart from those counters.
 */
export function createFaultCounter(plan: FaultPlan): FaultCounter {
  const seed = plan.seed ?? 1;
  const rules = plan.plugins ?? [];
  const counts = new Map<string, number>();
  let crashFired = false;
  const next = (key: string): number => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  return {
    decide(call) {
      let fault: FaultDecision['fault'];
      rules.forEach((rule, index) => {
        if (!matches(rule, call)) return;
        // `nth` without a pod counts over every pod; draws count per pod, so that they do not
        // depend on the order concurrent pods run in.
        const nth = next(`plugin:${index}:${rule.pod === undefined && rule.nth !== undefined ? '' : call.pod}`);
        if (fault) return;
        const hit = rule.nth !== undefined
          ? (typeof rule.nth === 'number' ? [rule.nth] : rule.nth).includes(nth)
          : selectFaultDraw(seed, index, call, nth) < (rule.probability ?? 0);
        if (!hit) return;
        fault = {
          network: rule.network,
          command: rule.command,
          pod: call.pod,
          nth,
          action: rule.action,
          code: rule.code ?? 100,
          msg: rule.msg ?? `fault injected by the fake runtime: ${rule.action} on ${rule.command} #${nth} of network ${rule.network}`,
        };
      });
      let crash: FaultDecision['crash'];
      const point = plan.crash;
      if (point && !crashFired && matches(point, call)) {
        const nth = next('crash');
        if (nth === point.nth) {
          crashFired = true;
          crash = { network: point.network, command: point.command, pod: call.pod, nth, action: point.when === 'before' ? 'crash-before' : 'crash-after' };
        }
      }
      return { ...(fault ? { fault } : {}), ...(crash ? { crash } : {}) };
    },
  };
}

/** The counters of a fault plan (shared by every driver of one runtime). */
export interface FaultCounter {
  /** Counts `call` against every rule and says what to do with it. */
  decide(call: FaultCall): FaultDecision;
}
