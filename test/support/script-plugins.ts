/**
 * A test bed for executor tests whose plugins are small sh scripts: a fresh temp dir per test
 * (removed after it), the processes a test's scripts leave behind (killed by pid after it), and
 * builders for scripts, requests and the pid files the scripts write.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { PluginExecRequest } from '../../packages/cni-driver/src/invoke/plugin-executor.ts';
import { isRunning } from './processes.ts';

/** What {@link useScriptPlugins} gives a describe block. */
export interface ScriptPluginBed {
  /** This test's temp dir. */
  readonly dir: string;
  /** Writes an executable sh script `name` with `body` into the test dir; resolves to its path. */
  plugin(name: string, body: string): Promise<string>;
  /** A request for `path`: stdin `{}`, only PATH in the env, the bed's limits, then `patch`. */
  request(path: string, patch?: Partial<PluginExecRequest>): PluginExecRequest;
  /** Resolves once `condition` holds, checking once per turn of the event loop. */
  until(condition: () => boolean): Promise<void>;
  /** The pid a script wrote to `file` once the file is complete (written to a temp name, then renamed); that pid is killed after the test if it still runs. */
  pidIn(file: string): Promise<number>;
  /** Kills `pid` after the test if it still runs. */
  leave(pid: number): void;
}

/**
 * Sets up the bed in the calling describe block (its hooks run around each of its tests).
 * `limits` replaces the default request limits (20 s timeout, 100 ms grace, 1 MiB of output).
 */
export function useScriptPlugins(prefix: string, limits: Partial<PluginExecRequest> = {}): ScriptPluginBed {
  let dir = '';
  const leftovers: number[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const pid of leftovers.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const until = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    get dir() {
      return dir;
    },
    async plugin(name, body) {
      const path = join(dir, name);
      await writeFile(path, `#!/bin/sh\n${body}\n`);
      await chmod(path, 0o755);
      return path;
    },
    request: (path, patch = {}) => ({
      path, stdin: '{}', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeoutMs: 20_000, killGraceMs: 100, maxOutputBytes: 1 << 20, ...limits, ...patch,
    }),
    until,
    async pidIn(file) {
      await until(() => existsSync(file));
      const pid = Number(await readFile(file, 'utf8'));
      leftovers.push(pid);
      return pid;
    },
    leave: (pid) => void leftovers.push(pid),
  };
}
