/**
 * Load with Debian's plugins in real namespaces: 200 pods with three networks each (two bridges
 * and ptp, host-local IPAM) set up, churned and torn down through the fake runtime; a close
 * while operations are in flight. No address is handed out twice, nothing leaks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, type FakeRuntime } from '@multinet/fake-runtime';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { openPodRecords } from './support/pod-records.ts';
import { ip, listLeases, uniqueNetnsPrefix, uniqueSuffix } from './support/netns.ts';

const PODS = 200;
const ALPHA = 'alpha.network.k8s.io/networks';

describe.runIf(hasRealParts())('200 pods with three real networks each', () => {
  let dir: string;
  let bridges: string[];
  let runtime: FakeRuntime | undefined;

  const open = () =>
    createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [REAL_PLUGIN_DIR], netns: 'real', netnsPrefix: uniqueNetnsPrefix(), watch: false, loopback: false });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-load-'));
    bridges = [`mnla${uniqueSuffix()}`, `mnlb${uniqueSuffix()}`];
    await mkdir(join(dir, 'net.d'));
    const ipam = (subnet: string) => ({ type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]] });
    await writeFile(join(dir, 'net.d', '10-lnet-a.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'lnet-a', plugins: [{ type: 'bridge', bridge: bridges[0], isGateway: false, ipMasq: false, ipam: ipam('10.250.80.0/23') }] }));
    await writeFile(join(dir, 'net.d', '20-lnet-b.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'lnet-b', plugins: [{ type: 'bridge', bridge: bridges[1], isGateway: false, ipMasq: false, ipam: ipam('10.250.82.0/23') }] }));
    await writeFile(join(dir, 'net.d', '30-lnet-c.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'lnet-c', plugins: [{ type: 'ptp', ipMasq: false, ipam: ipam('10.250.84.0/23') }] }));
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    for (const bridge of bridges) await ip('link', 'delete', bridge).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  /** Every pod's addresses, checked against host-local: each held once, by exactly one pod. */
  async function expectAddressesConsistent(r: FakeRuntime): Promise<void> {
    const used: string[] = [];
    for (const pod of r.api.listPods()) {
      const status = r.podStatus(`${pod.namespace}/${pod.name}`);
      expect({ pod: pod.name, error: status?.error ?? null }).toEqual({ pod: pod.name, error: null });
      for (const network of status!.networks) used.push(`${network.name.split('/')[1]}/${network.ips[0]}`);
    }
    expect(new Set(used).size).toBe(used.length);
    expect((await listLeases(join(dir, 'ipam'))).sort()).toEqual(used.sort());
  }

  it('sets them up, churns them, survives a close mid-sync, and tears everything down', async () => {
    runtime = await open();
    for (let i = 0; i < PODS; i++) runtime.api.addPod({ name: `load-${i}`, annotations: { [ALPHA]: 'lnet-a,lnet-b,lnet-c' } });
    const first = await runtime.syncOnce();
    expect(first.setUp).toHaveLength(PODS);
    await expectAddressesConsistent(runtime);

    // Churn: half the pods go, a quarter change their networks, 50 new ones come.
    for (let i = 0; i < PODS; i += 2) runtime.api.deletePod(`default/load-${i}`);
    for (let i = 1; i < PODS; i += 4) runtime.api.addPod({ name: `load-${i}`, annotations: { [ALPHA]: 'lnet-c,lnet-a' } });
    for (let i = PODS; i < PODS + 50; i++) runtime.api.addPod({ name: `load-${i}`, annotations: { [ALPHA]: 'lnet-b' } });
    const inFlight = runtime.syncOnce();
    // A close while that sync runs waits for what is in flight, and leaves a consistent state.
    await runtime.close();
    await inFlight.catch(() => undefined);
    const pods = runtime.api.listPods().map((p) => ({ name: p.name, annotations: p.annotations }));
    runtime = await open();
    for (const pod of pods) runtime.api.addPod(pod);
    await runtime.syncOnce();
    await expectAddressesConsistent(runtime);
    expect((await runtime.sandboxes()).length).toBe(pods.length);

    for (const pod of runtime.api.listPods()) runtime.api.deletePod(`${pod.namespace}/${pod.name}`);
    await runtime.syncOnce();
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await runtime.sandboxes()).toEqual([]);
    expect(await openPodRecords(join(dir, 'state', 'driver')).keys()).toEqual([]);
  }, 300_000);
});
