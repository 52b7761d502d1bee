/**
 * The fake runtime's sync loop with fixture plugins and fake namespaces: status written back,
 * failures contained, restarts recovered, manifests followed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, type FakeRuntime } from '@multinet/fake-runtime';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';

let dir: string;
let runtime: FakeRuntime;
const ALPHA = 'alpha.network.k8s.io/networks';

async function open(manifests = join(dir, 'manifests')): Promise<FakeRuntime> {
  return createFakeRuntime({
    stateDir: join(dir, 'state'),
    confDir: join(dir, 'net.d'),
    pluginDirs: [FIXTURE_PLUGIN_DIR],
    manifests: [manifests],
    netns: 'fake',
    watch: false,
    loopback: false,
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-runtime-'));
  await cp(join(FIXTURES_DIR, 'demo', 'net.d'), join(dir, 'net.d'), { recursive: true });
  await cp(join(FIXTURES_DIR, 'demo', 'manifests'), join(dir, 'manifests'), { recursive: true });
  runtime = await open();
});

afterEach(async () => {
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the fake runtime', () => {
  it('loads pods from the manifests, gives manifest pods a stable UID, and sets them up on sync', async () => {
    expect(runtime.api.listPods().map((p) => p.name)).toEqual(['web', 'db', 'nginx1']);
    const uid = runtime.api.getPod('default/web')?.uid;
    const report = await runtime.syncOnce();
    expect([...report.setUp].sort()).toEqual(['default/db', 'default/nginx1', 'default/web']);
    expect(runtime.podStatus('default/nginx1')?.networks.map((n) => n.interface)).toEqual(['eth0', 'storage0', 'eth2']);
    expect(runtime.podStatus('default/web')?.podIPs).toHaveLength(1);
    // One owner per state dir: the restarted runtime opens once this one is closed.
    await runtime.close();
    runtime = await open();
    expect(runtime.api.getPod('default/web')?.uid).toBe(uid);
  });

  it('contains a failing pod: its error is in its status, the others are set up', async () => {
    runtime.api.addPod({ name: 'broken', annotations: { [ALPHA]: 'no-such-network' } });
    const failed = runtime.waitFor('podSetUpFailed', (pod) => pod === 'default/broken');
    const report = await runtime.syncOnce();
    expect(report.setUp).toHaveLength(3);
    expect((await failed)[1].code).toBe('NETWORK_NOT_FOUND');
    expect(runtime.podStatus('default/broken')?.error?.code).toBe('NETWORK_NOT_FOUND');
  });

  it('tears down a deleted pod and removes its sandbox', async () => {
    await runtime.syncOnce();
    runtime.api.deletePod('default/db');
    const report = await runtime.syncOnce();
    expect(report.tornDown).toEqual(['default/db']);
    expect((await runtime.sandboxes()).map((s) => s.pod.name).sort()).toEqual(['nginx1', 'web']);
    expect(await readdir(join(dir, 'state', 'fake-netns'))).toHaveLength(2);
  });

  it('recovers after a restart without setting pods up again, then finishes teardowns', async () => {
    await runtime.syncOnce();
    await runtime.restart();
    const report = await runtime.syncOnce();
    expect(report.setUp).toEqual([]);
    expect(runtime.podStatus('default/web')?.podIPs).toHaveLength(1);
    for (const pod of runtime.api.listPods()) runtime.api.deletePod(`${pod.namespace}/${pod.name}`);
    await runtime.restart();
    const last = await runtime.syncOnce();
    expect(last.tornDown).toHaveLength(3);
    expect(await runtime.sandboxes()).toEqual([]);
    expect(await runtime.driver.listSandboxes()).toEqual([]);
  });

  it('follows the manifest files: a pod removed from them is torn down on the next sync', async () => {
    await runtime.syncOnce();
    await writeFile(
      join(dir, 'manifests', 'pods.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    alpha.network.k8s.io/networks: podnet\n',
    );
    const report = await runtime.syncOnce();
    expect([...report.tornDown].sort()).toEqual(['default/db', 'default/nginx1']);
  });

  it('replaces a sandbox whose namespace is gone: tears it down from its record and gives the pod a new one', async () => {
    await runtime.syncOnce();
    const before = runtime.podStatus('default/web')!;
    await rm(before.netns!, { force: true });
    const report = await runtime.syncOnce();
    const after = runtime.podStatus('default/web')!;
    expect(report.tornDown).toEqual(['default/web']);
    expect(after.error).toBeNull();
    expect(after.sandboxId).not.toBe(before.sandboxId);
    expect((await runtime.sandboxes()).map((s) => s.sandboxId)).not.toContain(before.sandboxId);
    expect((await runtime.driver.listSandboxes()).map((s) => s.sandboxId)).not.toContain(before.sandboxId);
  });

  it('retries a failed setup on the next sync once the network exists', async () => {
    runtime.api.addPod({ name: 'late', annotations: { [ALPHA]: 'latenet' } });
    await runtime.syncOnce();
    expect(runtime.podStatus('default/late')?.error?.code).toBe('NETWORK_NOT_FOUND');
    await writeFile(join(dir, 'net.d', '40-latenet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'latenet', plugins: [{ type: 'noop' }] }));
    const report = await runtime.syncOnce();
    expect(report.setUp).toEqual(['default/late']);
    expect(runtime.podStatus('default/late')?.error).toBeNull();
  });
});
