/**
 * The limits a runtime author sets on `multinet run` (issue 12): `--plugin-timeout` bounds a
 * plugin call that hangs — the call is killed with its whole process group, SIGKILL after
 * `--kill-grace` when it ignores SIGTERM — the pod fails with the timeout's code and the other
 * pods come up; both limits reach every plugin call the driver makes. The hanging plugin is
 * test/support/hang-plugin.ts (its ADD and a child ignore SIGTERM and sleep ten minutes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaExecutor } from '@multinet/cni-driver';
import { createFakeRuntime, main, type FakeRuntime, type PodLine } from '@multinet/fake-runtime';
import { runMultinet } from './support/cli.ts';
import { FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { killHangProcesses, readHangPids, writeHangPlugin } from './support/hang-plugin.ts';
import { isRunning } from './support/processes.ts';

let dir: string;
let runtime: FakeRuntime | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh2-cli-limits-'));
  await mkdir(join(dir, 'net.d'));
  await mkdir(join(dir, 'bin'));
  await mkdir(join(dir, 'manifests'));
  await writeHangPlugin(join(dir, 'bin'));
  await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'noop' }] }));
  await writeFile(join(dir, 'net.d', '20-slownet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'slownet', plugins: [{ type: 'hang' }] }));
  const pod = (name: string, networks: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\n  annotations:\n    alpha.network.k8s.io/networks: ${networks}\n`;
  await writeFile(join(dir, 'manifests', 'pods.yaml'), [pod('fast-a', 'podnet'), pod('slow', 'podnet,slownet'), pod('fast-b', 'podnet')].join('---\n'));
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  // Nothing may be left, should a test fail: kill by exact pid what the hang plugin recorded.
  await killHangProcesses(join(dir, 'bin'));
  await rm(dir, { recursive: true, force: true });
});

describe('multinet run --plugin-timeout and --kill-grace', () => {
  it('fails the pod whose plugin hangs with PLUGIN_TIMEOUT, kills the plugin\'s process group, and sets up the other pods', async () => {
    const result = await runMultinet([
      'run', '--once', '--json', '--netns', 'fake', '--plugin-timeout', '1s', '--kill-grace', '200ms',
      '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', `${join(dir, 'bin')}:${FIXTURE_PLUGIN_DIR}`, '--state-dir', join(dir, 'state'),
    ]);

    // It returned at all: the plugin sleeps ten minutes and ignores SIGTERM.
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PodLine);
    expect(lines.map((line) => [line.pod, line.podIPs.length, line.error?.code ?? null, line.error?.causeCode ?? null])).toEqual([
      ['default/fast-a', 1, null, null],
      ['default/slow', 0, 'POD_SETUP_FAILED', 'PLUGIN_TIMEOUT'],
      ['default/fast-b', 1, null, null],
    ]);
    expect(lines[1]?.error?.message).toMatch(/type="hang".*timed out; its process group was killed/);
    // The plugin and the child it forked both ignored SIGTERM: SIGKILL after the grace ended them.
    const pids = await readHangPids(join(dir, 'bin'));
    expect(pids).toHaveLength(2);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('passes --plugin-timeout and --kill-grace to every plugin call the driver makes', async () => {
    const seen: Array<{ timeoutMs: number; killGraceMs: number }> = [];
    const real = createExecaExecutor();
    runtime = await createFakeRuntime({
      stateDir: join(dir, 'state'),
      confDir: join(dir, 'net.d'),
      pluginDirs: [FIXTURE_PLUGIN_DIR],
      netns: 'fake',
      watch: false,
      loopback: false,
      pluginTimeoutMs: 4321,
      killGraceMs: 321,
      // The real executor, recording what each call was given.
      executor: {
        execPlugin: (request) => {
          seen.push({ timeoutMs: request.timeoutMs, killGraceMs: request.killGraceMs });
          return real.execPlugin(request);
        },
      },
    });
    runtime.api.addPod({ name: 'web', annotations: { 'alpha.network.k8s.io/networks': 'podnet' } });

    expect((await runtime.syncOnce()).setUp).toEqual(['default/web']);

    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify({ timeoutMs: 4321, killGraceMs: 321 })]));
    await real.close?.();
  });

  it('lists both flags in `multinet run --help`', async () => {
    let help = '';
    expect(await main(['run', '--help'], { stdout: (text) => void (help += text), stderr: () => undefined })).toBe(0);
    expect(help).toContain('--plugin-timeout <duration>');
    expect(help).toContain('--kill-grace <duration>');
    expect(help).toContain('--max-manifest-bytes <size>');
  });

  it.each([
    ['--plugin-timeout', '0'],
    ['--plugin-timeout', 'soon'],
    ['--kill-grace', '0ms'],
    ['--plugin-timeout', '40000m'],
  ])('refuses %s %j as a usage error naming the flag', async (flag, value) => {
    let stderr = '';
    const code = await main(['run', '--once', '--manifests', join(dir, 'manifests'), flag, value], { stdout: () => undefined, stderr: (text) => void (stderr += text) });
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^multinet run: \`${flag}\`: Expected a duration .*\`${value}\`\\nusage: multinet run `));
  });
});
