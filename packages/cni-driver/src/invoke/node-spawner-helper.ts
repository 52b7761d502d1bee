/**
 * The Node spawner helper: the program of the small long-lived process that the Node executor
 * starts once and that starts every plugin. A fork copies the page tables of the process that
 * forks, so spawning from this process (a tiny heap) costs the same whatever the embedding
 * runtime holds, and needs no C compiler. It speaks the frames of spawner-protocol.ts, like
 * native/spawner.c, and behaves the same:
 *
 * - each plugin runs in its own process group, with exactly the env it was given;
 * - its fd 3 is the helper's fd 3 (the driver's state-dir lock) when the helper was given one;
 * - timeout or cancel: SIGTERM to the group, SIGKILL after the grace; past the output cap: SIGKILL;
 * - a plugin that exited is answered at once, even if a daemon it left holds its stdout; that
 *   daemon is then killed (its holders found in /proc, as stdio-holders.ts does);
 * - a run started held (type 3) gets its stdin from a later frame (type 4), which is ignored
 *   once the run has ended;
 * - the parent gone (stdin EOF or reset, stdout broken): every running plugin gets its kill
 *   grace to finish, then its group is killed, and the helper exits with the last of them.
 *
 * The program is the function below, run with `node -e`; it must not use anything from outside
 * its own body (it is sent as source text).
 */

/** How long output is still read after a plugin exited while its pipes stay open (a daemon holds them). */
const EXITED_DRAIN_MS = 100;

/* eslint-disable */
// Stryker disable all: this function runs only as source text in the helper process, where an
// instrumented copy would call Stryker's helpers that do not exist there (and coverage cannot see).
function nodeSpawnerMain(req: NodeJS.Require, hasFence: boolean, exitedDrainMs: number): void {
  const { spawn } = req('node:child_process') as typeof import('node:child_process');
  const { constants } = req('node:os') as typeof import('node:os');
  const { readdirSync, readlinkSync } = req('node:fs') as typeof import('node:fs');
  // A copy of stdio-holders.ts (this program is sent as source text and imports nothing).
  const readStdioLinks = (pid: number): string[] => {
    const links: string[] = [];
    for (const fd of [1, 2]) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        // Only the plugin's own pipe ends: a file (/dev/null above all) is held by half the system.
        if (/^(socket|pipe):\[\d+\]$/.test(link)) links.push(link);
      } catch {
        // Exited already, or no /proc.
      }
    }
    return links;
  };
  const killStdioHolders = (all: string[]): void => {
    const links = all.filter((link) => /^(socket|pipe):\[\d+\]$/.test(link));
    if (links.length === 0) return;
    let pids: string[];
    try {
      pids = readdirSync('/proc');
    } catch {
      return;
    }
    for (const entry of pids) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      const holds = fds.some((fd) => {
        try {
          return links.includes(readlinkSync(`/proc/${entry}/fd/${fd}`));
        } catch {
          return false;
        }
      });
      if (!holds) continue;
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  };
  interface Running {
    id: number;
    pid: number | undefined;
    out: Buffer[];
    err: Buffer[];
    outBytes: number;
    errBytes: number;
    flags: number;
    killTimer: NodeJS.Timeout | undefined;
    done: boolean;
    reaped: boolean;
    /** The call's SIGTERM→SIGKILL grace: also how long it may still run once the parent is gone. */
    graceMs: number;
    /** Set while the run waits for its stdin frame (started held, type 3). */
    heldStdin: NodeJS.WritableStream | undefined;
    /** Starts the timeout of a held run, when its stdin comes. */
    startDeadline: () => void;
  }
  const running = new Map<number, Running>();
  const u32 = (value: number): Buffer => {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(value >>> 0, 0);
    return b;
  };
  const { existsSync } = req('node:fs') as typeof import('node:fs');
  // SAFETY: once the leader was reaped (r.reaped), a process holding its pid means the group is
  // gone and the pid reused by someone else (while a member lives, the pid stays the group's).
  const killGroup = (r: Running, signal: NodeJS.Signals): void => {
    if (r.pid === undefined || r.pid <= 0) return;
    if (r.reaped && existsSync(`/proc/${r.pid}`)) return;
    try {
      process.kill(-r.pid, signal);
    } catch {
      // ESRCH: the group is gone.
    }
  };
  const startKill = (r: Running, flag: number, grace: number): void => {
    if (r.flags & 7) return;
    r.flags |= flag;
    killGroup(r, 'SIGTERM');
    r.killTimer = setTimeout(() => killGroup(r, 'SIGKILL'), grace);
  };
  /** Set once the parent is gone: nobody reads answers any more, and the last plugin to end ends this process. */
  let orphaned = false;
  const respond = (r: Running, kind: number, status: number): void => {
    if (r.done) return;
    r.done = true;
    running.delete(r.id);
    if (r.killTimer) clearTimeout(r.killTimer);
    if (r.flags) killGroup(r, 'SIGKILL');
    if (orphaned) {
      if (running.size === 0) process.exit(0);
      return;
    }
    const out = Buffer.concat(r.out);
    const err = Buffer.concat(r.err);
    const body = Buffer.concat([u32(r.id), u32(kind), u32(status), u32(r.flags), u32(out.length), out, u32(err.length), err]);
    process.stdout.write(Buffer.concat([u32(body.length), body]));
  };
  const run = (frame: Buffer, held: boolean): void => {
    let off = 4;
    const next = (): number => {
      const v = frame.readUInt32LE(off);
      off += 4;
      return v;
    };
    const bytes = (): Buffer => {
      const len = next();
      const b = frame.subarray(off, off + len);
      off += len;
      return b;
    };
    const id = next();
    const timeoutMs = next();
    const graceMs = next();
    const maxOutput = next();
    const path = bytes().toString();
    const env: Record<string, string> = {};
    for (let n = next(); n > 0; n--) {
      const kv = bytes().toString();
      const eq = kv.indexOf('=');
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const stdin = bytes();
    const r: Running = { id, pid: undefined, out: [], err: [], outBytes: 0, errBytes: 0, flags: 0, killTimer: undefined, done: false, reaped: false, graceMs, heldStdin: undefined, startDeadline: () => undefined };
    running.set(id, r);
    let child;
    try {
      child = spawn(path, [], { env, detached: true, stdio: hasFence ? ['pipe', 'pipe', 'pipe', 3] : ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      respond(r, 2, (constants.errno as Record<string, number>)[(error as { code?: string }).code ?? ''] ?? 5);
      return;
    }
    r.pid = child.pid;
    const stdioLinks = r.pid === undefined ? [] : readStdioLinks(r.pid);
    // A held run has no deadline until its stdin comes: its parent settles it (stdin or cancel).
    let deadline = held ? undefined : setTimeout(() => startKill(r, 1, graceMs), timeoutMs);
    r.startDeadline = (): void => {
      deadline = setTimeout(() => startKill(r, 1, graceMs), timeoutMs);
    };
    const collect = (list: Buffer[], key: 'outBytes' | 'errBytes') => (chunk: Buffer): void => {
      r[key] += chunk.length;
      if (r[key] > maxOutput) {
        if (!(r.flags & 2)) {
          r.flags |= 2;
          killGroup(r, 'SIGKILL');
        }
        return;
      }
      list.push(chunk);
    };
    child.stdout!.on('data', collect(r.out, 'outBytes'));
    child.stderr!.on('data', collect(r.err, 'errBytes'));
    child.stdin!.on('error', () => undefined);
    if (held) r.heldStdin = child.stdin!;
    else child.stdin!.end(stdin);
    let exit: { kind: number; status: number } | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      if (r.pid === undefined || exit === undefined) respond(r, 2, (constants.errno as Record<string, number>)[error.code ?? ''] ?? 5);
    });
    child.on('exit', (code, signal) => {
      r.reaped = true;
      clearTimeout(deadline);
      exit = signal ? { kind: 1, status: (constants.signals as Record<string, number>)[signal] ?? 0 } : { kind: 0, status: code ?? 0 };
      // Pipes still open after the exit: a daemon holds them. What the plugin wrote is read for a moment.
      // The timers phase comes before the poll phase that reads the pipes: the streams are
      // destroyed one poll later (setImmediate), so that what the exited plugin left in its pipe
      // is read first even when this process was too busy to read it before the timer fired.
      const drain = setTimeout(() => {
        killStdioHolders(stdioLinks);
        setImmediate(() => {
          child.stdout!.destroy();
          child.stderr!.destroy();
          respond(r, exit!.kind, exit!.status);
        });
      }, exitedDrainMs);
      child.once('close', () => {
        clearTimeout(drain);
        respond(r, exit!.kind, exit!.status);
      });
    });
  };
  let pending: Buffer = Buffer.alloc(0);
  process.stdin.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const len = pending.readUInt32LE(0);
      if (pending.length < 4 + len) break;
      const frame = pending.subarray(4, 4 + len);
      pending = pending.subarray(4 + len);
      const type = frame.readUInt32LE(0);
      if (type === 1 || type === 3) run(Buffer.from(frame), type === 3);
      else if (type === 4) {
        // The stdin of a held run; one that has ended (killed, timed out) ignores it.
        const r = running.get(frame.readUInt32LE(4));
        const stdin = r?.heldStdin;
        if (r && stdin) {
          r.heldStdin = undefined;
          if (!(r.flags & 7)) r.startDeadline();
          stdin.end(Buffer.from(frame.subarray(12, 12 + frame.readUInt32LE(8))));
        }
      } else if (type === 2) {
        const r = running.get(frame.readUInt32LE(4));
        if (r) startKill(r, 4, 0);
      }
    }
  });
  // The parent closed its end or died: no plugin may outlive it for long. A parent killed with
  // unread data may reset the pipe instead of closing it, and an answer written after it died
  // breaks the other pipe (EPIPE, which would otherwise crash this process and leave the plugins
  // running): each counts as the end. A plugin still running gets its kill grace to finish, then
  // SIGKILL to its group, and this process exits with the last of them: killed at once, at a
  // random moment, an IPAM plugin can be cut between creating a lease file and writing its owner
  // into it (host-local does exactly that), a lease that no DEL can find again.
  const parentGone = (): void => {
    if (orphaned) return;
    orphaned = true;
    if (running.size === 0) process.exit(0);
    for (const r of running.values()) {
      if (r.killTimer) continue; // already being killed (timeout, cancel, output cap)
      // A held plugin has not had its config: it has done nothing, and dies now.
      r.killTimer = setTimeout(() => killGroup(r, 'SIGKILL'), r.heldStdin ? 0 : r.graceMs);
    }
    // A net under the above: whatever still runs a second after the longest grace is killed, and this process ends.
    const longest = Math.max(...[...running.values()].map((r) => r.graceMs));
    setTimeout(() => {
      for (const r of running.values()) killGroup(r, 'SIGKILL');
      process.exit(0);
    }, longest + 1000);
  };
  process.stdin.on('end', parentGone);
  process.stdin.on('error', parentGone);
  process.stdin.on('close', parentGone);
  process.stdout.on('error', parentGone);
}
// Stryker restore all
/* eslint-enable */

/** A marker in the helper's command line, so that it can be told apart in a process list. */
export const NODE_SPAWNER_MARKER = 'multinet-node-spawner';

/**
 * The helper's program as `node -e` source. `hasFence`: the helper was given a fence as fd 3;
 * `exitedDrainMs`: how long output is read after a plugin exited while its pipes stay open.
 * (`__name` is defined because some transpilers wrap nested functions in it.)
 */
export function buildNodeSpawnerSource(hasFence: boolean, exitedDrainMs: number = EXITED_DRAIN_MS): string {
  return `"use strict";/* ${NODE_SPAWNER_MARKER} */var __name=(f)=>f;(${nodeSpawnerMain.toString()})(require, ${hasFence}, ${Number(exitedDrainMs)});`;
}
