/**
 * The contract every PluginExecutor passes, run against the real noop fixture plugin.
 * Test-only: imported by `*.test.ts` files, never by the library.
 */
import { chmod, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PluginExecRequest, PluginExecutor } from './plugin-executor.ts';

/** What the contract needs from an implementation. */
export interface ExecutorUnderTest {
  readonly executor: PluginExecutor;
  close(): Promise<void>;
}

/**
 * How a child process makes the same executor (for the case of a user calling `process.exit()`):
 * the absolute path of the module and the name of its (possibly async) no-argument factory.
 */
export interface ExecutorFactoryRef {
  readonly module: string;
  readonly factory: string;
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** True while the process runs; a zombie (killed, not yet reaped by init) counts as gone. */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Every process with a descriptor open on `path`. */
function listHoldersOf(path: string): number[] {
  const holders: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === path) holders.push(Number(entry));
      } catch {
        // The descriptor closed meanwhile.
      }
    }
  }
  return [...new Set(holders)];
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let i = 0; i < 100_000 && isAlive(pid); i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Registers the executor contract suite for one implementation. `noopPath` is the absolute path
 * of packages/fake-runtime/fixtures/plugins/noop; `factoryRef` makes the same executor in a child
 * process.
 */
export function describeExecutorContract(name: string, noopPath: string, setup: () => Promise<ExecutorUnderTest>, factoryRef: ExecutorFactoryRef): void {
  describe(`${name} executor contract`, () => {
    let dir: string;
    let under: ExecutorUnderTest;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'multinet-exec-'));
      under = await setup();
    });
    afterEach(async () => {
      await under.close();
      await rm(dir, { recursive: true, force: true });
    });

    const request = (control: unknown, patch: Partial<PluginExecRequest> = {}): Promise<PluginExecRequest> => {
      const debugFile = join(dir, 'control.json');
      return writeFile(debugFile, JSON.stringify(control)).then(() => ({
        path: noopPath,
        stdin: JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'noop', debugFile }),
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/ns', CNI_PATH: '/x', CNI_ARGS: '' },
        timeoutMs: 20_000,
        killGraceMs: 200,
        maxOutputBytes: 1 << 20,
        ...patch,
      }));
    };

    const readLog = async (): Promise<Array<{ stdin: string; env: Record<string, string>; pid: number; childPid?: number }>> =>
      (await readFile(join(dir, 'control.json.log'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));

    it('returns stdout and exit 0 of a successful plugin', async () => {
      const outcome = await under.executor.execPlugin(await request({}));
      expect(outcome).toMatchObject({ exitCode: 0, signal: null, timedOut: false, aborted: false, outputTooLarge: false });
      expect(JSON.parse(outcome.stdout)).toMatchObject({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: '/ns' }] });
    });

    it('passes stdin byte for byte and the env exactly as given', async () => {
      const req = await request({});
      await under.executor.execPlugin({ ...req, env: { ...req.env, EXTRA: 'x' } });
      const [log] = await readLog();
      expect(log?.stdin).toBe(req.stdin);
      expect(log?.env).toEqual({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/ns', CNI_PATH: '/x', CNI_ARGS: '' });
    });

    it('reports a non-zero exit with the error JSON and stderr', async () => {
      const outcome = await under.executor.execPlugin(await request({ ADD: { errorCode: 11, errorMsg: 'busy', exitCode: 3, stderr: 'noise' } }));
      expect(outcome.exitCode).toBe(3);
      expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 11, msg: 'busy' });
      expect(outcome.stderr).toBe('noise');
    });

    it('kills the whole process group on timeout, grandchildren included', async () => {
      const outcome = await under.executor.execPlugin(await request({ ADD: { sleepMs: 30_000, spawnChild: true } }, { timeoutMs: 300 }));
      expect(outcome.timedOut).toBe(true);
      const [log] = await readLog();
      const { pid, childPid } = log as { pid: number; childPid: number };
      await waitUntilGone(pid);
      await waitUntilGone(childPid);
      expect([isAlive(pid), isAlive(childPid)]).toEqual([false, false]);
    });

    it('kills the plugin when the caller aborts', async () => {
      const controller = new AbortController();
      const running = under.executor.execPlugin(await request({ ADD: { sleepMs: 30_000 } }, { signal: controller.signal }));
      setImmediate(() => controller.abort());
      expect((await running).aborted).toBe(true);
    });

    it('kills a plugin that writes more than the output cap', async () => {
      const outcome = await under.executor.execPlugin(await request({ ADD: { stdout: 'x'.repeat(5000) } }, { maxOutputBytes: 1000 }));
      expect(outcome.outputTooLarge).toBe(true);
    });

    it('returns when the plugin exits even though a daemon it left holds its stdout open, and kills that daemon', async () => {
      const plugin = join(dir, 'daemonizing');
      const daemonPid = join(dir, 'daemon.pid');
      // The plugin exits once the daemon wrote its pid, so the pid is known whatever happens next,
      // and not at once: its stdio is read right after the spawn, and a plugin gone before that
      // (on a loaded machine, a few milliseconds) leaves nothing to match its daemon by (see
      // stdio-holders.ts). Real plugins live far longer than that.
      await writeFile(plugin, `#!/bin/sh\necho '{"cniVersion":"1.0.0"}'\nsetsid sh -c 'echo $$ > ${daemonPid}.tmp; mv ${daemonPid}.tmp ${daemonPid}; exec sleep 30' &\nwhile [ ! -s ${daemonPid} ]; do :; done\nsleep 0.3\nexit 0\n`);
      await chmod(plugin, 0o755);
      try {
        const outcome = await under.executor.execPlugin({ ...(await request({})), path: plugin, timeoutMs: 20_000 });
        expect(outcome).toMatchObject({ exitCode: 0, timedOut: false, stdout: '{"cniVersion":"1.0.0"}\n' });
        const pid = Number(await readFile(daemonPid, 'utf8'));
        await waitUntilGone(pid);
        expect(isAlive(pid)).toBe(false);
      } finally {
        const pid = Number(await readFile(daemonPid, 'utf8').catch(() => '0'));
        if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    });

    it('hands the fence descriptor to the plugin as its fd 3', async () => {
      const plugin = join(dir, 'fd3');
      await writeFile(plugin, '#!/bin/sh\nreadlink /proc/self/fd/3\n');
      await chmod(plugin, 0o755);
      const fenced = join(dir, 'fence');
      const handle = await open(fenced, 'w');
      try {
        const outcome = await under.executor.execPlugin({ ...(await request({})), path: plugin, fenceFd: handle.fd });
        expect(outcome.stdout.trim()).toBe(fenced);
      } finally {
        await under.executor.releaseFence?.(handle.fd);
        await handle.close();
      }
    });

    it('gives a fenced call its fence while an unfenced call runs, and releasing the fence leaves that call alone', async () => {
      const plugin = join(dir, 'fd3-mixed');
      await writeFile(plugin, '#!/bin/sh\nreadlink /proc/self/fd/3\n');
      await chmod(plugin, 0o755);
      const unfenced = under.executor.execPlugin(await request({ ADD: { sleepMs: 500 } }));
      const fenced = join(dir, 'fence-mixed');
      const handle = await open(fenced, 'w');
      try {
        const outcome = await under.executor.execPlugin({ ...(await request({})), path: plugin, fenceFd: handle.fd });
        expect(outcome.stdout.trim()).toBe(fenced);
        await under.executor.releaseFence?.(handle.fd);
      } finally {
        await handle.close();
      }
      const done = await unfenced;
      expect([done.exitCode, done.spawnError]).toEqual([0, undefined]);
    });

    it('lets go of every copy of the fence descriptor once releaseFence resolves', async () => {
      const plugin = join(dir, 'fd3');
      await writeFile(plugin, '#!/bin/sh\nreadlink /proc/self/fd/3\n');
      await chmod(plugin, 0o755);
      const fenced = join(dir, 'fence-release');
      const handle = await open(fenced, 'w');
      try {
        await under.executor.execPlugin({ ...(await request({})), path: plugin, fenceFd: handle.fd });
        await under.executor.releaseFence?.(handle.fd);
        expect(listHoldersOf(fenced).filter((pid) => pid !== process.pid)).toEqual([]);
      } finally {
        await handle.close();
      }
    });

    it('leaves no plugin process behind when its user calls process.exit() during a call', async () => {
      const req = await request({ ADD: { sleepMs: 600_000, spawnChild: true } }, { timeoutMs: 600_000 });
      const log = join(dir, 'control.json.log');
      const child = spawn(
        process.execPath,
        ['--conditions=@multinet/source', '--import', 'tsx', join(REPO_ROOT, 'test', 'support', 'executor-exit-child.ts'), JSON.stringify({ ...factoryRef, request: req, log })],
        { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code).toBe(0);
      const [entry] = await readLog();
      const { pid, childPid } = entry as { pid: number; childPid: number };
      await waitUntilGone(pid);
      await waitUntilGone(childPid);
      const left = [pid, childPid].filter(isAlive);
      for (const p of left) process.kill(p, 'SIGKILL');
      expect(left).toEqual([]);
    });

    it('reports a plugin that cannot be started as a spawn error', async () => {
      const notExecutable = join(dir, 'not-executable');
      await writeFile(notExecutable, '#!/bin/sh\n');
      await chmod(notExecutable, 0o644);
      const outcome = await under.executor.execPlugin({ ...(await request({})), path: notExecutable });
      expect(outcome.spawnError?.code).toBe('EACCES');
    });

    describe('a stdin gate', () => {
      /** A plugin that marks its start, then copies its stdin to a file, then answers. */
      const gatedPlugin = async (): Promise<{ request: PluginExecRequest; mark: string; out: string }> => {
        const path = join(dir, 'gated');
        await writeFile(path, '#!/bin/sh\necho started > "$MARK"\ncat > "$OUT"\necho \'{"cniVersion":"1.0.0"}\'\n', { mode: 0o755 });
        const mark = join(dir, 'started');
        const out = join(dir, 'stdin-read');
        const base = await request({});
        return { request: { ...base, path, env: { ...base.env, MARK: mark, OUT: out } }, mark, out };
      };
      const readOrEmpty = (file: string): Promise<string> => readFile(file, 'utf8').catch(() => '');
      /** Waits (bounded) until the plugin has marked its start. */
      const waitForStart = async (mark: string): Promise<string> => {
        for (let tries = 0; tries < 2000 && (await readOrEmpty(mark)) === ''; tries++) await new Promise((resolve) => setTimeout(resolve, 5));
        return readOrEmpty(mark);
      };

      it('starts the plugin at once but gives it its stdin, byte for byte, only once the gate opens', async () => {
        expect(under.executor.gatesStdin).toBe(true);
        const { request: req, mark, out } = await gatedPlugin();
        let open!: () => void;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const running = under.executor.execPlugin({ ...req, stdinGate: gate });
        expect(await waitForStart(mark)).toBe('started\n');
        // Started, and still waiting for its config.
        expect(await readOrEmpty(out)).toBe('');
        open();
        const outcome = await running;
        expect(outcome).toMatchObject({ exitCode: 0, aborted: false, timedOut: false, stdout: '{"cniVersion":"1.0.0"}\n' });
        expect(await readFile(out, 'utf8')).toBe(req.stdin);
      });

      it('kills the plugin, which has read nothing, when the gate fails', async () => {
        const { request: req, mark, out } = await gatedPlugin();
        let fail!: (error: Error) => void;
        const gate = new Promise<void>((_, reject) => (fail = reject));
        gate.catch(() => undefined);
        const running = under.executor.execPlugin({ ...req, stdinGate: gate });
        expect(await waitForStart(mark)).toBe('started\n');
        fail(new Error('the intent could not be made durable'));
        const outcome = await running;
        expect(outcome.aborted).toBe(true);
        expect(outcome.exitCode).not.toBe(0);
        expect(await readOrEmpty(out)).toBe('');
      });

      it('counts the timeout from when the stdin is given, not from the start', async () => {
        const { request: req, mark, out } = await gatedPlugin();
        let open!: () => void;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const running = under.executor.execPlugin({ ...req, timeoutMs: 300, stdinGate: gate });
        await waitForStart(mark);
        // Held three times as long as its timeout: still not timed out, for it has not had its config.
        await new Promise((resolve) => setTimeout(resolve, 900));
        open();
        expect(await running).toMatchObject({ exitCode: 0, timedOut: false });
        expect(await readFile(out, 'utf8')).toBe(req.stdin);
      });

      it('still times a held plugin out once it has its stdin', async () => {
        const path = join(dir, 'gated-hangs');
        await writeFile(path, '#!/bin/sh\ncat > /dev/null\nexec sleep 30\n', { mode: 0o755 });
        const outcome = await under.executor.execPlugin({ ...(await request({})), path, timeoutMs: 300, stdinGate: Promise.resolve() });
        expect(outcome.timedOut).toBe(true);
      });

      it('runs the plugin as usual when the gate is open already', async () => {
        const { request: req, out } = await gatedPlugin();
        const outcome = await under.executor.execPlugin({ ...req, stdinGate: Promise.resolve() });
        expect(outcome).toMatchObject({ exitCode: 0, aborted: false });
        expect(await readFile(out, 'utf8')).toBe(req.stdin);
      });
    });
  });
}
