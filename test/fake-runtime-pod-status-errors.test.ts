/**
 * A pod that gets no sandbox says why, in its status and its `multinet run --json` line (issue
 * 12): a sandbox that could not be made showed `"error": null`, and a second manifest pod with
 * the uid of another shared that pod's sandbox.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, type FakeRuntime, type PodLine } from '@multinet/fake-runtime';
import { runMultinet } from './support/cli.ts';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';

const UID = '0b1d5e7a-2c4f-4a61-9d3e-6f8a0c2b4e11';
const POD = (name: string, uid?: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\n${uid ? `  uid: ${uid}\n` : ''}`;

let dir: string;
let manifests: string;
let runtime: FakeRuntime | undefined;

async function open(): Promise<FakeRuntime> {
  runtime = await createFakeRuntime({
    stateDir: join(dir, 'state'),
    confDir: join(dir, 'net.d'),
    pluginDirs: [FIXTURE_PLUGIN_DIR],
    manifests: [manifests],
    netns: 'fake',
    watch: false,
    loopback: false,
  });
  return runtime;
}

const runOnce = (): ReturnType<typeof runMultinet> =>
  runMultinet(['run', '--once', '--json', '--netns', 'fake', '--manifests', manifests, '--conf-dir', join(dir, 'net.d'), '--bin-dir', FIXTURE_PLUGIN_DIR, '--state-dir', join(dir, 'state')]);
const podLines = (stdout: string): PodLine[] => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PodLine);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh2-pod-status-'));
  await mkdir(join(dir, 'net.d'));
  await cp(join(FIXTURES_DIR, 'demo', 'net.d', '10-podnet.conflist'), join(dir, 'net.d', '10-podnet.conflist'));
  manifests = join(dir, 'manifests');
  await mkdir(manifests);
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('two pods with one uid', () => {
  it('refuses the second with POD_UID_CONFLICT in its status and leaves the first its own sandbox', async () => {
    await writeFile(join(manifests, 'pods.yaml'), `${POD('first', UID)}---\n${POD('second', UID)}`);
    await open();

    const report = await runtime!.syncOnce();

    expect(report.setUp).toEqual(['default/first']);
    expect(report.failed).toEqual([{ pod: 'default/second', code: 'POD_UID_CONFLICT', message: expect.stringContaining('default/first') }]);
    const sandboxes = await runtime!.sandboxes();
    expect(sandboxes.map((s) => s.pod)).toEqual([{ namespace: 'default', name: 'first', uid: UID }]);
    expect(runtime!.podStatus('default/first')).toMatchObject({ sandboxId: sandboxes[0]!.sandboxId, error: null, podIPs: [expect.any(String)] });
    expect(runtime!.podStatus('default/second')).toMatchObject({ podIPs: [], networks: [], error: { code: 'POD_UID_CONFLICT' } });
    expect(runtime!.podStatus('default/second')?.sandboxId).toBeUndefined();
    expect(runtime!.podStatus('default/second')?.error?.message).toBe(`pod default/second has uid ${UID}, which pod default/first already has; refused: a uid names one pod and one sandbox`);
  });

  it('keeps the sandbox with the pod it was made for when a pod with its uid is listed before it', async () => {
    await writeFile(join(manifests, 'pods.yaml'), POD('first', UID));
    await open();
    await runtime!.syncOnce();
    const [sandbox] = await runtime!.sandboxes();
    runtime!.api.deletePod('default/first');
    runtime!.api.addPod({ name: 'early', uid: UID });
    runtime!.api.addPod({ name: 'first', uid: UID });

    const report = await runtime!.syncOnce();

    expect(report.failed.map((f) => [f.pod, f.code])).toEqual([['default/early', 'POD_UID_CONFLICT']]);
    expect(report.tornDown).toEqual([]);
    expect(await runtime!.sandboxes()).toEqual([sandbox]);
    expect(runtime!.podStatus('default/first')).toMatchObject({ sandboxId: sandbox!.sandboxId, error: null });
  });

  it('shows the refusal in the second pod\'s `multinet run --json` line and sets up the first', async () => {
    await writeFile(join(manifests, 'pods.yaml'), `${POD('first', UID)}---\n${POD('second', UID)}`);

    const result = await runOnce();

    expect(result.code).toBe(0);
    const [first, second] = podLines(result.stdout);
    expect(first).toMatchObject({ pod: 'default/first', uid: UID, sandboxId: expect.any(String), podIPs: [expect.any(String)], error: null });
    expect(second).toMatchObject({ pod: 'default/second', uid: UID, sandboxId: null, podIPs: [], error: { code: 'POD_UID_CONFLICT', message: expect.stringContaining('default/first') } });
  });
});

describe('a sandbox that cannot be made', () => {
  // The fake namespaces live in <state>/fake-netns: a plain file there makes every one fail.
  const breakSandboxes = async (): Promise<void> => {
    await mkdir(join(dir, 'state'), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'state', 'fake-netns'), '');
  };

  it('puts SANDBOX_FAILED with its message in the pod status', async () => {
    await writeFile(join(manifests, 'pods.yaml'), POD('web'));
    await breakSandboxes();
    await open();

    const report = await runtime!.syncOnce();

    expect(report.failed.map((f) => [f.pod, f.code])).toEqual([['default/web', 'SANDBOX_FAILED']]);
    expect(runtime!.podStatus('default/web')).toMatchObject({ podIPs: [], networks: [], error: { code: 'SANDBOX_FAILED', message: expect.stringContaining(join(dir, 'state', 'fake-netns')) } });
  });

  it('shows the error in the pod\'s `multinet run --json` line instead of "error": null', async () => {
    await writeFile(join(manifests, 'pods.yaml'), POD('web'));
    await breakSandboxes();

    const result = await runOnce();

    expect(result.code).toBe(0);
    expect(podLines(result.stdout)).toEqual([
      expect.objectContaining({ pod: 'default/web', sandboxId: null, podIPs: [], error: { code: 'SANDBOX_FAILED', message: expect.stringContaining('cannot create fake network namespace') } }),
    ]);
  });
});
