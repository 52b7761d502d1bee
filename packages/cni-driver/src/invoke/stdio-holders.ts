/**
 * A daemon a plugin left behind (`setsid`, so outside the plugin's process group) that still
 * holds the plugin's stdout or stderr: found through /proc and killed once the plugin itself has
 * exited. Node gives a child its stdio as socket pairs, whose two ends have different inodes, so
 * the plugin's own ends are read from /proc/<pid>/fd right after it is spawned; any other process
 * holding one of them later got it from the plugin. Linux only; elsewhere nothing is found. (A
 * plugin gone before its ends could be read leaves nothing to match: its daemon is not found, and
 * the call still returns at the plugin's exit. Seen on a loaded machine with a plugin that forked
 * its daemon and exited within the milliseconds execa takes to hand back the child: a socket
 * pair's other end cannot be told from ours without netlink sock_diag, so there is no safe
 * fallback. The C spawner makes real pipes, whose two ends share one inode, and has no such gap.)
 * (node-spawner-helper.ts has its own copy: its program is sent as source text.)
 */
import { readdirSync, readlinkSync } from 'node:fs';

/**
 * SAFETY: only a socket or a pipe is ever matched. A plugin's stdio always is one (the executor
 * made it); anything else — a file, `/dev/null` above all, which half the system holds open —
 * would have the kill below take down processes that have nothing to do with the plugin.
 */
const isPipeEnd = (link: string): boolean => /^(socket|pipe):\[\d+\]$/.test(link);

/** What the plugin's fd 1 and fd 2 point at (`socket:[123]`, `pipe:[456]`); [] once it is gone, or for anything but a socket or a pipe. */
export function readStdioLinks(pid: number): string[] {
  const links: string[] = [];
  for (const fd of [1, 2]) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (isPipeEnd(link)) links.push(link);
    } catch {
      // Exited already, or no /proc: nothing to match later.
    }
  }
  return links;
}

// Stryker disable all: a mutant of a kill can signal processes that are not the test's (a
// sweep that matches everything kills every process on the machine). Proved by tests instead.
/**
 * Sends SIGKILL to every process but this one that has one of `links` (sockets and pipes only;
 * anything else is ignored) open; returns their pids.
 * Cost: one walk of /proc, done only when a plugin's pipes outlive it.
 */
export function killStdioHolders(links: readonly string[]): number[] {
  const wanted = new Set(links.filter(isPipeEnd));
  if (wanted.size === 0) return [];
  const killed: number[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc');
  } catch {
    return killed;
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
        return wanted.has(readlinkSync(`/proc/${entry}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (!holds) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return killed;
}
// Stryker restore all
