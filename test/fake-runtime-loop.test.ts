/**
 * The fake runtime's loop under a hung plugin: one slow pod never holds up the others' turn,
 * ticks never pile up, and `multinet run` stops promptly on SIGTERM, killing the hung call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, type FakeRuntime } from '@multinet/fake-runtime';
import { MULTINET_BIN } from './support/cli.ts';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';
import { isRunning } from './support/processes.ts';

const ALPHA = 'alpha.network.k8s.io/networks';
let dir: string;
let runtime: FakeRuntime | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-loop-'));
  await mkdir(join(dir, 'net.d'));
  await mkdir(join(dir, 'manifests'));
  await cp(FIXTURE_PLUGIN_DIR, join(dir, 'bin'), { recursive: true });
  for (const name of ['slow', 'fast']) {
    await writeFile(join(dir, 'net.d', `10-${name}.conflist`), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop', debugFile: join(dir, `${name}.json`) }] }));
  }
  await writeNoopControl(join(dir, 'slow.json'), { ADD: { sleepMs: 600_000 } });
});

afterEach(async () => {
  await runtime?.close({ abort: true });
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the loop with a hung plugin', () => {
  it('sets up the other pods, including ones added later, while one pod hangs in ADD', async () => {
    runtime = await createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [join(dir, 'bin')], netns: 'fake', watch: false, loopback: false, intervalMs: 20 });
    runtime.api.addPod({ name: 'stuck', annotations: { [ALPHA]: 'slow' } });
    runtime.api.addPod({ name: 'early', annotations: { [ALPHA]: 'fast' } });
    const early = runtime.waitFor('podSetUp', (pod) => pod === 'default/early');
    runtime.start();
    await early;
    runtime.api.addPod({ name: 'late', annotations: { [ALPHA]: 'fast' } });
    await runtime.waitFor('podSetUp', (pod) => pod === 'default/late');
    // The hung ADD was started once: ticks did not queue more work for the busy pod.
    expect((await readNoopLog(join(dir, 'slow.json'))).filter((e) => e.command === 'ADD')).toHaveLength(1);
    expect(runtime.podStatus('default/stuck')).toBeUndefined();
  });

  it('multinet run stops on SIGTERM while a plugin hangs, killing the plugin, and the next start finishes the pod', async () => {
    await writeFile(join(dir, 'manifests', 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: stuck\n  annotations:\n    ${ALPHA}: slow\n`);
    const args = ['run', '--netns', 'fake', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', join(dir, 'bin'), '--state-dir', join(dir, 'state'), '--interval', '100ms'];
    const child = spawn(process.execPath, [MULTINET_BIN, ...args], { stdio: 'ignore' });
    let started: Awaited<ReturnType<typeof readNoopLog>> = [];
    while (started.length === 0) started = await readNoopLog(join(dir, 'slow.json')).catch(() => []);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isRunning(started[0]!.pid)).toBe(false);

    await writeNoopControl(join(dir, 'slow.json'), {});
    const once = spawn(process.execPath, [MULTINET_BIN, ...args, '--once', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    once.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    await new Promise((resolve) => once.once('exit', resolve));
    const [line] = stdout.trim().split('\n').map((l) => JSON.parse(l) as { error: unknown; networks: Array<{ interface: string }> });
    expect(line?.error).toBeNull();
    expect(line?.networks.map((n) => n.interface)).toEqual(['eth0']);
    expect((await readNoopLog(join(dir, 'slow.json'))).map((e) => e.command)).toEqual(['ADD', 'DEL', 'ADD']);
  });
});
