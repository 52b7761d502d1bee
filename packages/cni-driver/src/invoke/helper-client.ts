/**
 * The parent side of a spawner helper: one long-lived process that starts plugins on request,
 * over the frames of spawner-protocol.ts. The helper is started lazily, restarted if it dies,
 * and started again with another fd 3 when the fence changes. Shared by the C helper
 * (native/spawner.c) and the Node helper (node-spawner-helper.ts).
 */
import type { ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from './plugin-executor.ts';
import { decodeResponses, encodeCancelFrame, encodeRunFrame, type SpawnerResponse } from './spawner-protocol.ts';

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
  let helper: HelperProcess | undefined;
  let pending = Buffer.alloc(0);
  let nextId = 1;
  const waiting = new Map<number, (response: SpawnerResponse) => void>();

  const failAll = (): void => {
    for (const [id, resolve] of waiting) resolve({ id, kind: 2, status: -1, flags: 0, stdout: Buffer.alloc(0), stderr: Buffer.from('spawner helper exited') });
    waiting.clear();
  };

  const stopHelper = async (): Promise<void> => {
    const child = helper;
    helper = undefined;
    if (!child) return;
    // Held while closing: an unref'd helper would let the loop end before its exit arrives.
    setRef(child, true);
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin.end();
    });
  };

  // The helper passes its fd 3 (the driver's state-dir lock) on to every plugin it starts.
  let helperFence: number | undefined;
  const ensureHelper = (fenceFd: number | undefined): HelperProcess => {
    if (helper && (helperFence === fenceFd || waiting.size > 0)) return helper;
    if (helper) void stopHelper();
    helperFence = fenceFd;
    const child = startHelper(fenceFd);
    child.stdout.on('data', (chunk: Buffer) => {
      const { responses, rest } = decodeResponses(pending.length ? Buffer.concat([pending, chunk]) : chunk);
      pending = Buffer.from(rest);
      for (const response of responses) {
        waiting.get(response.id)?.(response);
        waiting.delete(response.id);
      }
      if (waiting.size === 0) setRef(child, false);
    });
    child.stdin.on('error', () => undefined);
    child.on('exit', () => {
      if (helper === child) helper = undefined;
      pending = Buffer.alloc(0);
      failAll();
    });
    setRef(child, false);
    helper = child;
    return child;
  };

  return {
    execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
      if (request.signal?.aborted) {
        return Promise.resolve({ exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, outputTooLarge: false });
      }
      const child = ensureHelper(request.fenceFd);
      const id = nextId++ >>> 0;
      return new Promise<PluginExecOutcome>((resolve) => {
        const onAbort = (): void => void child.stdin.write(encodeCancelFrame(id));
        request.signal?.addEventListener('abort', onAbort, { once: true });
        waiting.set(id, (response) => {
          request.signal?.removeEventListener('abort', onAbort);
          const outcome = toOutcome(response);
          resolve(response.kind === 2 && response.status === -1 ? { ...outcome, spawnError: { code: 'EHELPER', message: 'the spawner helper exited' } } : outcome);
        });
        setRef(child, true);
        child.stdin.write(encodeRunFrame(id, request));
      });
    },
    close: stopHelper,
    async releaseFence(fenceFd) {
      if (helper && helperFence === fenceFd) await stopHelper();
    },
  };
}
