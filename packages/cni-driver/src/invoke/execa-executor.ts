/**
 * The default executor, and the only file that imports execa: spawns the plugin in its own
 * process group, feeds stdin, caps output, and on timeout or abort kills the whole group
 * (SIGTERM, then SIGKILL after a grace period) so delegated IPAM children die too.
 */
import { execa } from 'execa';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from './plugin-executor.ts';
import { createProcessGroupRegistry } from './process-group-registry.ts';
import { existsSync } from 'node:fs';
import { killStdioHolders, readStdioLinks } from './stdio-holders.ts';

/** How long output is still read after the plugin exited (a daemon it left may hold the pipes). */
const EXITED_DRAIN_MS = 250;

// Stryker disable all: a mutant of a kill can signal processes that are not the test's (a
// sweep that matches everything kills every process on the machine). Proved by tests instead.
/**
 * Signals the plugin's process group. SAFETY: after the leader was reaped (`reaped`), a process
 * holding its pid means the group is gone and the pid was reused by someone else — while any
 * member lives the kernel keeps the pid for the group — so nothing is sent then.
 */
function killGroup(pid: number | undefined, signal: NodeJS.Signals, reaped = false): void {
  if (pid === undefined || pid <= 0) return;
  if (reaped && existsSync(`/proc/${pid}`)) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
// Stryker restore all

/**
 * Creates the execa executor: one plain spawn per plugin call from this process.
 *
 * @example
 * ```ts
 * const executor = createExecaExecutor();
 * const outcome = await executor.execPlugin({ path, stdin, env, timeoutMs: 5000, killGraceMs: 500, maxOutputBytes: 1 << 20 });
 * ```
 */
export function createExecaExecutor(): PluginExecutor {
  // Detached groups outlive this process unless killed: a user's process.exit() kills them.
  const live = createProcessGroupRegistry();
  return {
    gatesStdin: true,
    async execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
      if (request.signal?.aborted) {
        return { exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, outputTooLarge: false };
      }
      const subprocess = execa(request.path, [], {
        // Held (a gate): stdin stays an open pipe until the gate opens.
        ...(request.stdinGate === undefined ? { input: request.stdin } : {}),
        env: request.env,
        extendEnv: false,
        reject: false,
        detached: true,
        stripFinalNewline: false,
        maxBuffer: request.maxOutputBytes,
        encoding: 'utf8',
        cleanup: true,
        windowsHide: true,
        // execa passes a number in `stdio` to the child as that descriptor (its types omit it for fd 3+).
        ...(request.fenceFd === undefined ? {} : { stdio: ['pipe', 'pipe', 'pipe', request.fenceFd] as unknown as ['pipe', 'pipe', 'pipe'] }),
      });
      const pid = subprocess.pid;
      if (pid !== undefined) live.add(pid);
      const stdioLinks = pid === undefined ? [] : readStdioLinks(pid);
      let timedOut = false;
      let aborted = false;
      let graceTimer: NodeJS.Timeout | undefined;
      const escalate = (): void => {
        killGroup(pid, 'SIGTERM');
        graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), request.killGraceMs);
      };
      const onTimeout = (): void => {
        timedOut = true;
        escalate();
      };
      // A held plugin has no deadline until its stdin comes: its caller settles the gate.
      let timer = request.stdinGate === undefined ? setTimeout(onTimeout, request.timeoutMs) : undefined;
      const onAbort = (): void => {
        if (timedOut || aborted) return;
        aborted = true;
        escalate();
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      // A gate that fails ends the run as an abort does: the plugin never had its config.
      if (request.stdinGate) {
        subprocess.stdin?.on('error', () => undefined); // a plugin that exited before its stdin came
        request.stdinGate.then(
          () => {
            if (!subprocess.stdin || subprocess.stdin.destroyed || timedOut || aborted) return;
            // The timeout bounds the plugin's work: it starts with the config.
            timer = setTimeout(onTimeout, request.timeoutMs);
            subprocess.stdin.end(request.stdin);
          },
          () => {
            subprocess.stdin?.destroy();
            onAbort();
          },
        );
      }
      // execa stops keeping output past maxBuffer but does not end the plugin: a plugin that goes
      // on running would only end at the timeout. Past the cap the group is killed at once.
      let tooLarge = false;
      const capOutput = (): ((chunk: string | Buffer) => void) => {
        let bytes = 0;
        return (chunk) => {
          bytes += Buffer.byteLength(chunk);
          if (bytes <= request.maxOutputBytes || tooLarge) return;
          tooLarge = true;
          killGroup(pid, 'SIGKILL');
        };
      };
      subprocess.stdout?.on('data', capOutput());
      subprocess.stderr?.on('data', capOutput());
      // A daemon the plugin left behind (setsid, so outside its group) may hold stdout open: once
      // the plugin itself exited, what it wrote is read for a moment more, then the daemon is
      // killed and the pipes close.
      let drainTimer: NodeJS.Timeout | undefined;
      subprocess.once('exit', () => {
        drainTimer = setTimeout(() => {
          killStdioHolders(stdioLinks);
          // One poll phase later: what the exited plugin left in its pipe is read first.
          setImmediate(() => {
            subprocess.stdout?.destroy();
            subprocess.stderr?.destroy();
          });
        }, EXITED_DRAIN_MS);
      });
      const result = await subprocess.finally(() => {
        if (pid !== undefined) live.delete(pid);
      });
      if (drainTimer) clearTimeout(drainTimer);
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      request.signal?.removeEventListener('abort', onAbort);
      const outputTooLarge = result.isMaxBuffer === true || tooLarge;
      // Anything left of the group after a kill path (a grandchild that ignored SIGTERM) dies now.
      if (timedOut || aborted || outputTooLarge) killGroup(pid, 'SIGKILL', true);
      const errno = (result as { code?: unknown }).code;
      const spawned = pid !== undefined && result.exitCode !== undefined;
      const spawnError =
        !spawned && result.signal === undefined && typeof errno === 'string'
          ? { code: errno, message: result.shortMessage ?? result.message ?? errno }
          : undefined;
      return {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        stdout: typeof result.stdout === 'string' ? result.stdout : '',
        stderr: typeof result.stderr === 'string' ? result.stderr : '',
        timedOut,
        aborted,
        outputTooLarge,
        ...(spawnError ? { spawnError } : {}),
      };
    },
  };
}
