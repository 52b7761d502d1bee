/**
 * The parent side of a spawner helper: one long-lived process that starts plugins on request,
 * over the frames of spawner-protocol.ts. A helper is started lazily (one per fence fd, which it
 * hands on to its plugins as their fd 3) and restarted if it dies. Shared by the C helper
 * (native/spawner.c) and the Node helper (node-spawner-helper.ts).
 */
import type { ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from './plugin-executor.ts';
import { decodeResponses, encodeCancelFrame, encodeRunFrame, encodeStdinFrame, type SpawnerResponse } from './spawner-protocol.ts';

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));
const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** A started helper: stdin takes request frames, stdout gives response frames. */
export type HelperProcess = ChildProcessByStdio<Writable, Readable, null>;

/** An idle helper must not keep the embedding process alive: its handles are unref'd then. */
function setRef(child: ChildProcessByStdio<Writable, Readable, null>, on: boolean): void {
  const sockets = [child.stdin, child.stdout] as unknown as Array<{ ref?: () => void; unref?: () => void }>;
  if (on) {
    child.ref();
    for (const socket of sockets) socket.ref?.();
  } else {
    child.unref();
    for (const socket of sockets) socket.unref?.();
  }
}

function toOutcome(response: SpawnerResponse): PluginExecOutcome {
  const base = {
    stdout: response.stdout.toString('utf8'),
    stderr: response.stderr.toString('utf8'),
    timedOut: (response.flags & 1) !== 0,
    outputTooLarge: (response.flags & 2) !== 0,
    aborted: (response.flags & 4) !== 0,
  };
  if (response.kind === 2) {
    const code = ERRNO_NAMES.get(response.status) ?? `errno ${response.status}`;
    return { ...base, exitCode: null, signal: null, spawnError: { code, message: `spawn failed: ${code}` } };
  }
  if (response.kind === 1) return { ...base, exitCode: null, signal: SIGNAL_NAMES.get(response.status) ?? `SIG${response.status}` };
  return { ...base, exitCode: response.status, signal: null };
}

/**
 * Creates an executor that sends every plugin call to a helper started by `startHelper`, which
 * must give the helper `fenceFd` (when set) as its fd 3 and the frames protocol on stdin/stdout.
 */
export function createHelperExecutor(startHelper: (fenceFd: number | undefined) => HelperProcess): PluginExecutor {
  /** One helper per fence: every plugin a helper starts inherits its fd 3, so fences never mix. */
  interface Helper {
    readonly child: HelperProcess;
    readonly waiting: Map<number, (response: SpawnerResponse) => void>;
    pending: Buffer;
  }
  const helpers = new Map<number | undefined, Helper>();
  let nextId = 1;

  const stopHelper = async (fenceFd: number | undefined): Promise<void> => {
    const helper = helpers.get(fenceFd);
    if (!helper) return;
    helpers.delete(fenceFd);
    const { child } = helper;
    // Held while closing: an unref'd helper would let the loop end before its exit arrives.
    setRef(child, true);
    // A helper in the map has neither exited nor failed to start (both take it out at once), but
    // a failure to start may still be on its way: it ends the wait as an exit does.
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
      child.stdin.end();
    });
  };

  const ensureHelper = (fenceFd: number | undefined): Helper => {
    const existing = helpers.get(fenceFd);
    if (existing) return existing;
    const child = startHelper(fenceFd);
    const helper: Helper = { child, waiting: new Map(), pending: Buffer.alloc(0) };
    child.stdout.on('data', (chunk: Buffer) => {
      const { responses, rest } = decodeResponses(helper.pending.length ? Buffer.concat([helper.pending, chunk]) : chunk);
      helper.pending = Buffer.from(rest);
      for (const response of responses) {
        helper.waiting.get(response.id)?.(response);
        helper.waiting.delete(response.id);
      }
      if (helper.waiting.size === 0) setRef(child, false);
    });
    child.stdin.on('error', () => undefined);
    /** The helper is gone (it exited, or never started): only its own calls fail; a helper started since keeps its own. */
    const gone = (why: string): void => {
      if (helpers.get(fenceFd) === helper) helpers.delete(fenceFd);
      for (const [id, resolve] of helper.waiting) resolve({ id, kind: 2, status: -1, flags: 0, stdout: Buffer.alloc(0), stderr: Buffer.from(why) });
      helper.waiting.clear();
    };
    child.on('exit', () => gone('the spawner helper exited'));
    // A helper that fails to start (ENOENT, EAGAIN, …) emits 'error' and never 'exit'; unhandled,
    // that 'error' would crash the embedding process.
    child.on('error', (error: NodeJS.ErrnoException) => gone(`the spawner helper could not be started: ${error.code ?? error.message}`));
    setRef(child, false);
    helpers.set(fenceFd, helper);
    return helper;
  };

  return {
    gatesStdin: true,
    execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
      if (request.signal?.aborted) {
        return Promise.resolve({ exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, outputTooLarge: false });
      }
      const { child, waiting } = ensureHelper(request.fenceFd);
      const id = nextId++ >>> 0;
      return new Promise<PluginExecOutcome>((resolve) => {
        const onAbort = (): void => void child.stdin.write(encodeCancelFrame(id));
        request.signal?.addEventListener('abort', onAbort, { once: true });
        waiting.set(id, (response) => {
          request.signal?.removeEventListener('abort', onAbort);
          const outcome = toOutcome(response);
          resolve(response.kind === 2 && response.status === -1 ? { ...outcome, spawnError: { code: 'EHELPER', message: response.stderr.toString('utf8') } } : outcome);
        });
        setRef(child, true);
        const gate = request.stdinGate;
        child.stdin.write(encodeRunFrame(id, request, gate !== undefined));
        // Held: the stdin follows once the gate opens; a gate that fails cancels the run. Either
        // frame is ignored by the helper when the run has already ended.
        gate?.then(
          () => void (waiting.has(id) && child.stdin.write(encodeStdinFrame(id, request.stdin))),
          () => void (waiting.has(id) && child.stdin.write(encodeCancelFrame(id))),
        );
      });
    },
    async close() {
      await Promise.all([...helpers.keys()].map((fenceFd) => stopHelper(fenceFd)));
    },
    async releaseFence(fenceFd) {
      await stopHelper(fenceFd);
    },
  };
}
