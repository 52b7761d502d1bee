/**
 * The kubelet story with Debian's plugins in real namespaces: through the library, and through
 * `multinet run --once --json` run three times (three kubelet restarts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MULTINET_BIN } from './support/cli.ts';

const runCommand = promisify(execFile);
import { openPodRecords } from './support/pod-records.ts';
import { createFakeRuntime, type FakeRuntime, type PodLine } from '@multinet/fake-runtime';
import { FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { addressesIn, deleteLinkIfPresent, ip, listLeases, uniqueNetnsPrefix, uniqueSuffix } from './support/netns.ts';

/** This file's sandbox namespaces: <prefix><12 hex>. */
const NETNS_PREFIX = uniqueNetnsPrefix();


const NETWORKS = `apiVersion: alpha.network.k8s.io/v1
kind: Network
metadata: { name: dbnet }
spec: { plugin: }
---
apiVersion: alpha.network.k8s.io/v1
kind: Network
metadata: { name: othernet }
spec: { plugin: }
---
apiVersion: alpha.network.k8s.io/v1
kind: Network
metadata: { name: thick-plugin-example }
spec: { plugin: thick-plugin }
`;
const pod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  annotations:\n    alpha.network.k8s.io/networks: dbnet,othernet,thick-plugin-example\n`;

const namespacesOf = async (ids: string[]): Promise<string[]> => {
  const listed = await ip('netns', 'list');
  return ids.filter((id) => listed.includes(`${NETNS_PREFIX}${id.slice(0, 12)}`));
};

describe.runIf(hasRealParts())('the kubelet story with real plugins', () => {
  let dir: string;
  let bridge: string;
  let runtime: FakeRuntime | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-story-'));
    bridge = `mnb${uniqueSuffix()}`;
    await mkdir(join(dir, 'net.d'));
    await mkdir(join(dir, 'manifests'));
    const ipam = (subnet: string) => ({ type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]] });
    await writeFile(join(dir, 'net.d', '10-dbnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'dbnet', plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: ipam('10.250.70.0/24') }] }));
    await writeFile(join(dir, 'net.d', '20-othernet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'othernet', plugins: [{ type: 'ptp', ipMasq: false, ipam: ipam('10.250.71.0/24') }] }));
    await writeFile(join(dir, 'manifests', 'networks.yaml'), NETWORKS);
    await writeFile(join(dir, 'manifests', 'pod-a.yaml'), pod('pod-a'));
    await writeFile(join(dir, 'manifests', 'pod-b.yaml'), pod('pod-b'));
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await deleteLinkIfPresent(bridge);
    await rm(dir, { recursive: true, force: true });
  });

  it('through the library: a deleted pod is torn down after a restart with the configs used at ADD; the other pod is untouched', async () => {
    const options = { stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [REAL_PLUGIN_DIR, FIXTURE_PLUGIN_DIR], manifests: [join(dir, 'manifests')], netns: 'real' as const, netnsPrefix: NETNS_PREFIX, watch: false };
    runtime = await createFakeRuntime(options);
    await runtime.syncOnce();
    const a = runtime.podStatus('default/pod-a')!;
    const b = runtime.podStatus('default/pod-b')!;
    expect(a.networks.map((n) => n.interface)).toEqual(['eth0', 'eth1', 'eth2']);
    expect(await listLeases(join(dir, 'ipam'))).toHaveLength(4);
    const nsA = `${NETNS_PREFIX}${a.sandboxId!.slice(0, 12)}`;
    const addrA = await addressesIn(nsA, 'eth1');

    await unlink(join(dir, 'net.d', '20-othernet.conflist'));
    runtime.api.deletePod('default/pod-b');
    await unlink(join(dir, 'manifests', 'pod-b.yaml'));
    await runtime.restart();
    const report = await runtime.syncOnce();
    expect(report.tornDown).toEqual(['default/pod-b']);
    expect(await namespacesOf([b.sandboxId!])).toEqual([]);
    expect(await listLeases(join(dir, 'ipam'))).toHaveLength(2);
    expect(await addressesIn(nsA, 'eth1')).toEqual(addrA);

    runtime.api.deletePod('default/pod-a');
    await unlink(join(dir, 'manifests', 'pod-a.yaml'));
    await runtime.syncOnce();
    expect(await namespacesOf([a.sandboxId!])).toEqual([]);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await runtime.driver.listSandboxes()).toEqual([]);
    expect(await runtime.sandboxes()).toEqual([]);
  });

  it('tears down, and replaces while wanted, a sandbox whose namespace file is no namespace (what a kill during `ip netns add` leaves): DELs succeed, leases are freed, the file goes', async () => {
    runtime = await createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [REAL_PLUGIN_DIR, FIXTURE_PLUGIN_DIR], manifests: [join(dir, 'manifests')], netns: 'real', netnsPrefix: NETNS_PREFIX, watch: false });
    await runtime.syncOnce();
    const a = runtime.podStatus('default/pod-a')!;
    const b = runtime.podStatus('default/pod-b')!;
    expect(await listLeases(join(dir, 'ipam'))).toHaveLength(4);
    // Unmounted, the namespace dies with its links; the plain file stays, as after a cut `ip netns add`.
    for (const status of [a, b]) await runCommand('umount', [status.netns!]);
    expect(await namespacesOf([a.sandboxId!, b.sandboxId!])).toHaveLength(2);

    runtime.api.deletePod('default/pod-b');
    await unlink(join(dir, 'manifests', 'pod-b.yaml'));
    const report = await runtime.syncOnce();
    expect(report.teardownFailed).toEqual([]);
    expect(report.tornDown).toContain('default/pod-b');
    const replaced = runtime.podStatus('default/pod-a')!;
    expect(replaced.sandboxId).not.toBe(a.sandboxId);
    expect(replaced.error).toBeNull();
    expect(replaced.networks.map((n) => n.interface)).toEqual(['eth0', 'eth1', 'eth2']);
    expect(await namespacesOf([a.sandboxId!, b.sandboxId!])).toEqual([]);
    // pod-b's two leases and pod-a's old two are free; pod-a's new sandbox holds two.
    expect(await listLeases(join(dir, 'ipam'))).toHaveLength(2);

    runtime.api.deletePod('default/pod-a');
    await unlink(join(dir, 'manifests', 'pod-a.yaml'));
    await runtime.syncOnce();
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await runtime.driver.listSandboxes()).toEqual([]);
  });

  it('through the CLI: three `multinet run --once --json` invocations, each a kubelet restart', async () => {
    const run = () =>
      new Promise<PodLine[]>((resolve, reject) => {
        execFile(
          process.execPath,
          [MULTINET_BIN, 'run', '--once', '--json', '--netns', 'real', '--netns-prefix', NETNS_PREFIX, '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', `${REAL_PLUGIN_DIR}:${FIXTURE_PLUGIN_DIR}`, '--state-dir', join(dir, 'state')],
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as PodLine))),
        );
      });

    const first = await run();
    expect(first.map((l) => l.pod)).toEqual(['default/pod-a', 'default/pod-b']);
    for (const line of first) {
      expect(line.error).toBeNull();
      expect(line.networks.map((n) => [n.name, n.interface, n.default])).toEqual([
        ['default/dbnet', 'eth0', true],
        ['default/othernet', 'eth1', false],
        ['default/thick-plugin-example', 'eth2', false],
      ]);
      expect(line.podIPs).toEqual(line.networks[0]?.ips);
      expect(line.netns).toBe(`/var/run/netns/${NETNS_PREFIX}${line.sandboxId?.slice(0, 12)}`);
    }

    await unlink(join(dir, 'net.d', '20-othernet.conflist'));
    await unlink(join(dir, 'manifests', 'pod-b.yaml'));
    const second = await run();
    expect(second.map((l) => [l.pod, l.sandboxId])).toEqual([['default/pod-a', first[0]?.sandboxId]]);
    expect(second[0]?.podIPs).toEqual(first[0]?.podIPs);
    expect(await namespacesOf([first[1]!.sandboxId!])).toEqual([]);

    await unlink(join(dir, 'manifests', 'pod-a.yaml'));
    expect(await run()).toEqual([]);
    expect(await namespacesOf(first.map((l) => l.sandboxId!))).toEqual([]);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await openPodRecords(join(dir, 'state', 'driver')).keys()).toEqual([]);
  });
});
