import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNodeSpawnerSource } from './node-spawner-helper.ts';
import { encodeRunFrame } from './spawner-protocol.ts';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { describeExecutorContract } from './executor-contract.ts';
import { createNodeSpawnerExecutor } from './node-spawner-executor.ts';
import { isRunning } from '../../../../test/support/processes.ts';

describeExecutorContract('node spawner', join(FIXTURE_PLUGIN_DIR, 'noop'), async () => {
  const executor = createNodeSpawnerExecutor();
  return { executor, close: async () => executor.close?.() };
}, { module: fileURLToPath(new URL('./node-spawner-executor.ts', import.meta.url)), factory: 'createNodeSpawnerExecutor' });

describe('the node spawner executor', () => {
  it('answers many concurrent calls, each to its own caller', async () => {
    const executor = createNodeSpawnerExecutor();
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          executor.execPlugin({ path: join(FIXTURE_PLUGIN_DIR, 'noop'), stdin: '{"cniVersion":"1.0.0"}', env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: `c${i}`, CNI_IFNAME: 'eth0', CNI_NETNS: `/ns${i}` }, timeoutMs: 20_000, killGraceMs: 100, maxOutputBytes: 1 << 20 }),
        ),
      );
      expect(outcomes.map((o) => JSON.parse(o.stdout).interfaces[0].sandbox)).toEqual(Array.from({ length: 16 }, (_, i) => `/ns${i}`));
    } finally {
      await executor.close?.();
    }
  });
});


describe('the node spawner helper', () => {
  it('kills every plugin still running once its grace is over, with its process group, and exits when its parent goes (stdin EOF)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multinet-helper-'));
    try {
      const debugFile = join(dir, 'control.json');
      await writeFile(debugFile, JSON.stringify({ ADD: { sleepMs: 30_000, spawnChild: true } }));
      const helper = spawn(process.execPath, ['-e', buildNodeSpawnerSource(false)], { stdio: ['pipe', 'pipe', 'inherit'], env: {} });
      const exited = new Promise<number | null>((resolve) => helper.once('exit', (code) => resolve(code)));
      helper.stdin.write(
        encodeRunFrame(1, {
          path: join(FIXTURE_PLUGIN_DIR, 'noop'),
          env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/ns' },
          stdin: JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'noop', debugFile }),
          timeoutMs: 60_000,
          killGraceMs: 100,
          maxOutputBytes: 1 << 20,
        }),
      );
      const log = `${debugFile}.log`;
      while (!existsSync(log) || !(await readFile(log, 'utf8')).includes('childPid')) await new Promise((resolve) => setImmediate(resolve));
      const { pid, childPid } = JSON.parse(await readFile(log, 'utf8')) as { pid: number; childPid: number };
      expect([isRunning(pid), isRunning(childPid)]).toEqual([true, true]);
      helper.stdin.end();
      expect(await exited).toBe(0);
      for (let i = 0; i < 100_000 && (isRunning(pid) || isRunning(childPid)); i++) await new Promise((resolve) => setImmediate(resolve));
      expect([isRunning(pid), isRunning(childPid)]).toEqual([false, false]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
