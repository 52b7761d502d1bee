/**
 * The one seam that runs a plugin process. Everything above it (finding the binary, building the
 * environment and stdin, parsing the outcome) is pure or shared; implementations of this
 * interface only spawn, feed stdin, collect output, bound time and bytes, and kill.
 *
 * Every implementation passes the same contract suite (`describeExecutorContract`).
 */

/** One plugin execution, fully prepared by the caller. */
export interface PluginExecRequest {
  /** Absolute path of the plugin binary (already found in the plugin dirs). */
  readonly path: string;
  /** The exact bytes sent on stdin (the network config JSON). */
  readonly stdin: string;
  /** The complete environment of the child (no implicit inheritance). */
  readonly env: Readonly<Record<string, string>>;
  /** Wall-clock bound; on expiry the whole process group gets SIGTERM, then SIGKILL. */
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL on timeout or abort. */
  readonly killGraceMs: number;
  /** Cap on bytes kept from stdout and from stderr each; past it the plugin is killed. */
  readonly maxOutputBytes: number;
  /** Caller's cancellation; aborting kills the process group like a timeout. */
  readonly signal?: AbortSignal | undefined;
  /**
   * An open descriptor (the driver's state-dir lock) the plugin inherits as fd 3, so that the
   * lock stays held while a plugin of a dead driver still runs. @default none
   */
  readonly fenceFd?: number | undefined;
  /**
   * When set, the plugin is started at once but `stdin` is written only once this settles
   * fulfilled; if it rejects, the plugin is killed before it has anything to read (the outcome
   * says `aborted`). A plugin can do nothing before it reads its config, so the caller's slow
   * preparation (the intent's `fdatasync`, the plugin before) overlaps the plugin's own start.
   * `timeoutMs` counts from when the stdin is written; until then the plugin waits for the gate,
   * which the caller must settle. Only given to an
   * executor that says {@link PluginExecutor.gatesStdin}. @default stdin written at once
   */
  readonly stdinGate?: Promise<unknown> | undefined;
}

/** What happened to one plugin execution. Never throws for plugin behaviour. */
export interface PluginExecOutcome {
  /** Exit code, or `null` when the process was ended by a signal or never started. */
  readonly exitCode: number | null;
  /** Terminating signal name (`SIGKILL`, …) or `null`. */
  readonly signal: string | null;
  /** Captured stdout (UTF-8, at most `maxOutputBytes`). */
  readonly stdout: string;
  /** Captured stderr (UTF-8, at most `maxOutputBytes`). */
  readonly stderr: string;
  /** True when the timeout fired and the group was killed. */
  readonly timedOut: boolean;
  /** True when the caller's signal aborted the run. */
  readonly aborted: boolean;
  /** True when stdout or stderr went past `maxOutputBytes` and the group was killed. */
  readonly outputTooLarge: boolean;
  /** Set when the process could not be started (`ENOENT`, `EACCES`, `ETXTBSY`, …). */
  readonly spawnError?: { readonly code: string; readonly message: string } | undefined;
}

/** Runs plugin processes. Inject one into the driver; the default is the Node spawner executor. */
export interface PluginExecutor {
  /** Runs one plugin to completion (or kill) and reports what happened. */
  execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome>;
  /**
   * True when the executor honours {@link PluginExecRequest.stdinGate}; the caller waits for the
   * gate itself before calling an executor that does not. @default false
   */
  readonly gatesStdin?: boolean | undefined;
  /** Releases helper processes or other resources, if the implementation has any. */
  close?(): Promise<void>;
  /**
   * Lets go of every copy of `fenceFd` the executor keeps (a helper process that inherited it),
   * so that the lock is free once the driver that owns it closes. Called by the driver's close.
   */
  releaseFence?(fenceFd: number): Promise<void>;
}
