/**
 * `multinet` is one process: in a checkout it runs the TypeScript sources in-process, so a
 * SIGKILL of the command leaves nothing behind (it used to spawn a second node with tsx).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, watch, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MULTINET_BIN } from './support/cli.ts';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { killHangProcesses, readHangPids, writeHangPlugin } from './support/hang-plugin.ts';
import { runMultinet } from './support/cli.ts';
import { isRunning } from './support/processes.ts';

/** Every process whose parent is `pid`, from /proc/<n>/stat. */
function listChildren(pid: number): Array<{ pid: number; comm: string }> {
  const children: Array<{ pid: number; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    if (ppid === pid) children.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return children;
}

function listDescendants(pid: number): Array<{ pid: number; comm: string }> {
  const direct = listChildren(pid);
  return direct.flatMap((child) => [child, ...listDescendants(child.pid)]);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-cli-process-'));
  await cp(join(FIXTURES_DIR, 'demo', 'net.d'), join(dir, 'net.d'), { recursive: true });
  await cp(join(FIXTURES_DIR, 'demo', 'manifests'), join(dir, 'manifests'), { recursive: true });
});
afterEach(async () => {
  // Should a test fail, nothing of the hang plugin may be left: killed by exact pid.
  await killHangProcesses(join(dir, 'bin'));
  await rm(dir, { recursive: true, force: true });
});

/** Resolves once `ready()` holds, re-checked on every change in `watched` (no polling, no sleeps). */
async function waitForFiles<T>(watched: string, ready: () => Promise<T | undefined>): Promise<T> {
  const stop = new AbortController();
  // Watching starts before the first check, so that no change between the two is missed.
  const changes = watch(watched, { signal: stop.signal })[Symbol.asyncIterator]();
  try {
    for (;;) {
      const value = await ready();
      if (value !== undefined) return value;
      await changes.next();
    }
  } finally {
    stop.abort();
    await changes.return?.().catch(() => undefined);
  }
}

/** Adds pod `slow` on podnet and slownet, whose plugin hangs on ADD and ignores SIGTERM (so does its child). */
async function addHangingPod(): Promise<void> {
  await mkdir(join(dir, 'bin'));
  await writeHangPlugin(join(dir, 'bin'));
  await writeFile(join(dir, 'net.d', '40-slownet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'slownet', plugins: [{ type: 'hang' }] }));
  await writeFile(join(dir, 'manifests', 'slow.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\n  namespace: default\n  annotations:\n    alpha.network.k8s.io/networks: podnet,slownet\n');
}

/** The pids of the hanging plugin and its child, once both run. */
function waitForHangPids(): Promise<number[]> {
  return waitForFiles(join(dir, 'bin'), async () => {
    const found = await readHangPids(join(dir, 'bin'));
    return found.length >= 2 ? found : undefined;
  });
}

describe('the multinet process', () => {
  it('runs `multinet run` in one process whose only node child is the plugin spawner helper, and leaves nothing behind after SIGKILL', async () => {
    const command = spawn(
      process.execPath,
      [MULTINET_BIN, 'run', '--json', '--netns', 'fake', '--interval', '10m', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', FIXTURE_PLUGIN_DIR, '--state-dir', join(dir, 'state')],
      { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = once(command, 'exit');
    try {
      // The first sync is done when the loop has printed one --json line per demo pod.
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        command.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.split('\n').filter(Boolean).length >= 3) resolve();
        });
        command.once('exit', (code) => reject(new Error(`multinet run exited early (${code})`)));
      });
      const pid = command.pid!;
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain(MULTINET_BIN);
      // The default executor's helper (node -e, tiny heap) is the one node process allowed.
      const isSpawnerHelper = (child: { pid: number }): boolean => {
        try {
          return readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').includes('multinet-node-spawner');
        } catch {
          return false;
        }
      };
      expect(listDescendants(pid).filter((p) => p.comm.startsWith('node') && !isSpawnerHelper(p))).toEqual([]);
      const before = listDescendants(pid);

      command.kill('SIGKILL');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      // The helper sees its stdin close and exits (killing any plugin it runs): wait for that.
      for (let i = 0; i < 200_000 && before.some((p) => isRunning(p.pid)); i++) await new Promise((resolve) => setImmediate(resolve));
      expect(before.filter((p) => isRunning(p.pid))).toEqual([]);
    } finally {
      command.kill('SIGKILL');
    }
  });

  it('exits within seconds of SIGTERM while a plugin call hangs, kills the call\'s process group, and records the step so that the next start finishes it', async () => {
    // slownet's plugin hangs on ADD and ignores SIGTERM (so does its child); the timeout is the
    // default 60 s, so only the abort on SIGTERM can end the call.
    await addHangingPod();
    const args = ['--netns', 'fake', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', `${join(dir, 'bin')}:${FIXTURE_PLUGIN_DIR}`, '--state-dir', join(dir, 'state')];
    const command = spawn(process.execPath, [MULTINET_BIN, 'run', '--json', '--interval', '10m', ...args], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(command, 'exit');
    let stderr = '';
    command.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      // The hang plugin and its child write their pids once they are running.
      const pids = await waitForHangPids();

      command.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];

      // It exited at all: without the abort it would wait out the plugin's ten minutes.
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stderr).toContain('stopping: killing plugin calls in flight');
      expect(pids.filter(isRunning)).toEqual([]);
    } finally {
      command.kill('SIGKILL');
    }

    // The next start finishes the job: with slownet's plugin healthy again, the pod comes up.
    await writeFile(join(dir, 'net.d', '40-slownet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'slownet', plugins: [{ type: 'noop' }] }));
    const next = await runMultinet(['run', '--once', '--json', ...args]);
    expect(next.code).toBe(0);
    const slow = next.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { pod: string; error: unknown; networks: Array<{ name: string }> }).find((line) => line.pod === 'default/slow');
    expect(slow).toMatchObject({ error: null, networks: [{ name: 'default/podnet' }, { name: 'default/slownet' }] });
  });

  it('leaves no plugin running after a SIGKILL of `multinet run` while a plugin call hangs: the spawner helper kills the call\'s process group when its parent is gone', async () => {
    await addHangingPod();
    const args = ['--netns', 'fake', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', `${join(dir, 'bin')}:${FIXTURE_PLUGIN_DIR}`, '--state-dir', join(dir, 'state')];
    const command = spawn(process.execPath, [MULTINET_BIN, 'run', '--json', '--interval', '10m', ...args], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(command, 'exit');
    const pids = await waitForHangPids();
    command.kill('SIGKILL');
    await exited;
    // Liveness bound, not a timing claim: the helper reacts to its parent's end at once.
    for (let waited = 0; waited < 20_000 && pids.some(isRunning); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('ends `multinet run --once` on SIGTERM while a plugin call hangs, killing the call\'s process group, with the status of a command interrupted by SIGTERM', async () => {
    await addHangingPod();
    const command = spawn(
      process.execPath,
      [MULTINET_BIN, 'run', '--once', '--json', '--netns', 'fake', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', `${join(dir, 'bin')}:${FIXTURE_PLUGIN_DIR}`, '--state-dir', join(dir, 'state')],
      { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = once(command, 'exit');
    try {
      const pids = await waitForHangPids();

      command.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];

      // It used to die of the signal at once, leaving the detached plugin and its child running.
      expect({ code, signal }).toEqual({ code: 128 + 15, signal: null });
      expect(pids.filter(isRunning)).toEqual([]);
    } finally {
      command.kill('SIGKILL');
    }
  });
});
