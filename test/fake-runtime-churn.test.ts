/**
 * The fake runtime under seeded random churn — pods added, deleted, re-added under the same
 * name, their networks edited, the runtime restarted — with the fixture noop plugin and fake
 * namespaces. After every sync each pod's status must be exactly what its request says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, type FakeRuntime } from '@multinet/fake-runtime';
import { FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { createSeededRandom } from './support/seeded-random.ts';

const ALPHA = 'alpha.network.k8s.io/networks';
const NETWORKS = ['anet', 'bnet', 'cnet', 'dnet'];
const POD_NAMES = Array.from({ length: 12 }, (_, i) => `pod-${i}`);

let dir: string;
let runtime: FakeRuntime;

const open = () =>
  createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], netns: 'fake', watch: false, loopback: false });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-churn-'));
  await mkdir(join(dir, 'net.d'));
  for (const name of NETWORKS) {
    await writeFile(join(dir, 'net.d', `10-${name}.conflist`), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop' }] }));
  }
  runtime = await open();
});

afterEach(async () => {
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the fake runtime under random churn', () => {
  it('reports every pod exactly as its request says after each sync, and leaves nothing once every pod is gone', async () => {
    const random = createSeededRandom(1202);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const randomNetworks = (): string => {
      const count = 1 + Math.floor(random() * 3);
      return Array.from({ length: count }, () => pick(NETWORKS)).filter((n, i, all) => all.indexOf(n) === i).join(',');
    };
    for (let step = 0; step < 160; step++) {
      const roll = random();
      const name = pick(POD_NAMES);
      if (roll < 0.35) runtime.api.addPod({ name, annotations: { [ALPHA]: randomNetworks() } });
      else if (roll < 0.55) runtime.api.deletePod(`default/${name}`);
      else if (roll < 0.6) await runtime.restart();
      if (step % 4 !== 3) continue;
      await runtime.syncOnce();
      for (const pod of runtime.api.listPods()) {
        const wanted = pod.annotations[ALPHA]!.split(',').map((n) => `default/${n}`);
        const status = runtime.podStatus(`default/${pod.name}`);
        expect({ step, pod: pod.name, error: status?.error ?? null, networks: status?.networks.map((n) => n.name) }).toEqual({ step, pod: pod.name, error: null, networks: wanted });
        const interfaces = status!.networks.map((n) => n.interface);
        expect(new Set(interfaces).size).toBe(interfaces.length);
        expect(status!.podIPs).toEqual(status!.networks[0]!.ips);
      }
      expect((await runtime.sandboxes()).map((s) => s.pod.uid).sort()).toEqual(runtime.api.listPods().map((p) => p.uid).sort());
    }
    for (const name of POD_NAMES) runtime.api.deletePod(`default/${name}`);
    await runtime.syncOnce();
    expect(await runtime.sandboxes()).toEqual([]);
    expect(await runtime.driver.listSandboxes()).toEqual([]);
  }, 180_000);
});
