/**
 * Acceptance of every selection format: manifests in each format, run through
 * `multinet run --once --json` with Debian's plugins in real namespaces, give the attachments,
 * interface names, pod IPs and default routes the format's rules say, and the NPWG network-status
 * annotation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodLine } from '@multinet/fake-runtime';
import { MULTINET_BIN } from './support/cli.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { addressesIn, deleteLinkIfPresent, ip, listLeases, uniqueNetnsPrefix, uniqueSuffix } from './support/netns.ts';

/** This file's sandbox namespaces: <prefix><12 hex>. */
const NETNS_PREFIX = uniqueNetnsPrefix();

const ipam = (dataDir: string, subnet: string) => ({ type: 'host-local', dataDir, ranges: [[{ subnet }]] });

function buildManifests(dataDir: string, nadBridge: string, multusBridge: string): string {
  const macnet = { cniVersion: '0.3.1', type: 'bridge', bridge: nadBridge, isGateway: false, ipMasq: false, capabilities: { ips: true }, ipam: ipam(dataDir, '10.250.93.0/24') };
  const multusArgs = [{ cniVersion: '0.4.0', bridge: multusBridge, isGateway: false, ipMasq: false, ipam: ipam(dataDir, '10.250.94.0/24') }];
  const docs = [
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'macnet' }, spec: { config: JSON.stringify(macnet) } },
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'dbnet' } },
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'sidenad', namespace: 'other' }, spec: { config: JSON.stringify({ cniVersion: '1.0.0', type: 'ptp', ipMasq: false, ipam: ipam(dataDir, '10.250.97.0/24') }) } },
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'weavenad', namespace: 'kube-system' }, spec: { config: JSON.stringify({ cniVersion: '1.0.0', name: 'weavenet', type: 'ptp', ipMasq: false, ipam: ipam(dataDir, '10.250.92.0/24') }) } },
    { apiVersion: 'v1', kind: 'PodNetwork', metadata: { name: 'offline' }, spec: { enabled: false, provider: 'k8s.cni.cncf.io/multus' } },
    { apiVersion: 'v1', kind: 'PodNetworkAttachment', metadata: { name: 'dp-attach', namespace: 'default' }, spec: { podNetworkName: 'dataplane' } },
    { apiVersion: 'v1', kind: 'PodNetwork', metadata: { name: 'dataplane' }, spec: { enabled: true, provider: 'k8s.cni.cncf.io/multus', parametersRefs: [{ group: 'k8s.cni.cncf.io', kind: 'network-attachment-definitions', name: 'macnet', namespace: 'default' }] } },
    { apiVersion: 'kubernetes.com/v1', kind: 'Network', metadata: { name: 'mnet' }, plugin: 'bridge', args: JSON.stringify(multusArgs) },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'alpha', annotations: { 'alpha.network.k8s.io/networks': 'dbnet,podnet' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'npwg', annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"macnet","ips":["10.250.93.20/24"]},{"name":"dbnet","interface":"data0","default-route":["10.250.91.1"]}]' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'npwg-comma', annotations: { 'k8s.v1.cni.cncf.io/networks': 'macnet, other/sidenad@side0,macnet' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'npwg-default-net', annotations: { 'v1.multus-cni.io/default-network': 'weavenad', 'k8s.v1.cni.cncf.io/networks': 'dbnet' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kep' }, spec: { networks: [{ podNetworkName: 'default' }, { podNetworkName: 'dataplane', isDefaultGW4: true }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kep-pna' }, spec: { networks: [{ podNetworkName: 'default' }, { podNetworkAttachmentName: 'dp-attach', interfaceName: 'dp0' }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kep-disabled' }, spec: { networks: [{ podNetworkName: 'default' }, { podNetworkName: 'offline' }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'genie', annotations: { cni: 'weave,podnet@eth0' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'multus2017', annotations: { networks: '[{"name":"podnet"},{"name":"mnet"}]' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'danm', annotations: { 'danm.k8s.io/interfaces': '[{"network":"podnet","ip":"dynamic"},{"network":"dbnet","ip":"10.250.91.50/24"}]' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'danm-tenant', annotations: { 'danm.k8s.io/interfaces': '[{"tenantNetwork":"x","ip":"dynamic"}]' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kep-missing' }, spec: { networks: [{ podNetworkName: 'nowhere' }] } },
  ];
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

describe.runIf(hasRealParts())('every selection format through `multinet run --once --json` with real plugins', () => {
  let dir: string;
  const bridges = [`mnb${uniqueSuffix()}`, `mnb${uniqueSuffix()}`, `mnb${uniqueSuffix()}`];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-formats-'));
    const dataDir = join(dir, 'ipam');
    await mkdir(join(dir, 'net.d'));
    await mkdir(join(dir, 'manifests'));
    // The cluster default network gives pods a default route (via 10.250.90.1), so default-route shows.
    const podnetIpam = { ...ipam(dataDir, '10.250.90.0/24'), routes: [{ dst: '0.0.0.0/0' }] };
    await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'bridge', bridge: bridges[0], isGateway: true, ipMasq: false, ipam: podnetIpam }] }));
    await writeFile(join(dir, 'net.d', '20-dbnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'dbnet', plugins: [{ type: 'ptp', ipMasq: false, capabilities: { ips: true }, ipam: ipam(dataDir, '10.250.91.0/24') }] }));
    await writeFile(join(dir, 'net.d', '30-weave.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'weavenet', plugins: [{ type: 'ptp', ipMasq: false, ipam: ipam(dataDir, '10.250.92.0/24') }] }));
    await writeFile(join(dir, 'manifests', 'all.yaml'), buildManifests(dataDir, bridges[1]!, bridges[2]!));
  });

  afterEach(async () => {
    for (const bridge of bridges) await deleteLinkIfPresent(bridge);
    await rm(dir, { recursive: true, force: true });
  });

  const run = () =>
    new Promise<PodLine[]>((resolve, reject) => {
      execFile(
        process.execPath,
        [MULTINET_BIN, 'run', '--once', '--json', '--netns', 'real', '--netns-prefix', NETNS_PREFIX, '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', REAL_PLUGIN_DIR, '--state-dir', join(dir, 'state')],
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as PodLine))),
      );
    });

  it('gives each format its attachments, interface names, pod IPs and network-status; a bad request fails its pod only', async () => {
    const lines = await run();
    const byPod = new Map(lines.map((l) => [l.pod.split('/')[1]!, l]));
    const shape = (name: string) => byPod.get(name)!.networks.map((n) => [n.name, n.interface, n.default]);
    const ipOf = (name: string, ifName: string) => byPod.get(name)!.networks.find((n) => n.interface === ifName)!.ips[0]!;
    const inSubnet = (ipText: string, third: number) => expect(ipText).toMatch(new RegExp(`^10\\.250\\.${third}\\.\\d+$`));
    const defaultRoutesOf = async (name: string) =>
      (JSON.parse((await ip('-n', byPod.get(name)!.netns!.split('/').pop()!, '-j', '-4', 'route', 'show', 'default')) || '[]') as Array<{ gateway?: string; dev?: string }>).map((r) => [r.gateway, r.dev]);

    expect(byPod.get('alpha')!.format).toBe('alpha');
    expect(shape('alpha')).toEqual([['default/dbnet', 'eth0', true], ['default/podnet', 'eth1', false]]);
    inSubnet(byPod.get('alpha')!.podIPs[0]!, 91);

    expect(byPod.get('npwg')!.format).toBe('npwg');
    expect(shape('npwg')).toEqual([['podnet', 'eth0', true], ['default/macnet', 'net1', false], ['default/dbnet', 'data0', false]]);
    expect(ipOf('npwg', 'net1')).toBe('10.250.93.20');
    inSubnet(byPod.get('npwg')!.podIPs[0]!, 90);
    const status = JSON.parse(byPod.get('npwg')!.networkStatus!) as Array<Record<string, unknown>>;
    expect(status.map((s) => [s['name'], s['interface'], s['default'] ?? false])).toEqual([['podnet', 'eth0', true], ['default/macnet', 'net1', false], ['default/dbnet', 'data0', false]]);
    expect(status[1]!['ips']).toEqual(['10.250.93.20']);
    expect(status[1]!['mac']).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    // default-route: the cluster default network's default route leaves the pod; data0 gets one via 10.250.91.1.
    expect(status[0]!['gateway']).toBeUndefined();
    expect(status[2]!['gateway']).toEqual(['10.250.91.1']);
    expect(await defaultRoutesOf('npwg')).toEqual([['10.250.91.1', 'data0']]);
    expect(await defaultRoutesOf('alpha')).toEqual([['10.250.90.1', 'eth1']]);
    expect(byPod.get('npwg')!.networkStatus).toContain('[{\n    "name": "podnet",\n    "interface": "eth0",\n    "ips": [\n        "10.250.90.');

    // The comma form: ns/name@ifname, spaces trimmed, the same network twice on net<position>.
    expect(byPod.get('npwg-comma')!.format).toBe('npwg');
    expect(shape('npwg-comma')).toEqual([['podnet', 'eth0', true], ['default/macnet', 'net1', false], ['other/sidenad', 'side0', false], ['default/macnet', 'net3', false]]);
    inSubnet(ipOf('npwg-comma', 'side0'), 97);
    expect(ipOf('npwg-comma', 'net1')).not.toBe(ipOf('npwg-comma', 'net3'));
    expect(await defaultRoutesOf('npwg-comma')).toEqual([['10.250.90.1', 'eth0']]);

    // v1.multus-cni.io/default-network: that NAD (kube-system unless namespaced) replaces the cluster default on eth0.
    expect(byPod.get('npwg-default-net')!.format).toBe('npwg');
    expect(shape('npwg-default-net')).toEqual([['kube-system/weavenad', 'eth0', true], ['default/dbnet', 'net1', false]]);
    inSubnet(byPod.get('npwg-default-net')!.podIPs[0]!, 92);

    expect(byPod.get('kep')!.format).toBe('kep');
    expect(shape('kep')).toEqual([['default', 'eth0', false], ['dataplane', 'net1', true]]);
    inSubnet(byPod.get('kep')!.podIPs[0]!, 93);
    expect(byPod.get('kep')!.podIPEntries.map((e) => [e.podNetwork, e.interfaceName])).toEqual([['dataplane', 'net1'], ['default', 'eth0']]);
    // isDefaultGW4 on dataplane: eth0's IPv4 default route goes (dataplane's plugins made none).
    expect(await defaultRoutesOf('kep')).toEqual([]);
    expect(shape('kep-pna')).toEqual([['default', 'eth0', true], ['dataplane', 'dp0', false]]);
    inSubnet(ipOf('kep-pna', 'dp0'), 93);
    expect(await defaultRoutesOf('kep-pna')).toEqual([['10.250.90.1', 'eth0']]);
    expect(byPod.get('kep-disabled')!.error).toMatchObject({ code: 'POD_NETWORK_DISABLED', message: expect.stringContaining('PodNetwork "offline" is disabled') });

    expect(byPod.get('genie')!.format).toBe('genie');
    expect(shape('genie')).toEqual([['weave', 'eth1', true], ['podnet', 'eth0', false]]);
    inSubnet(byPod.get('genie')!.podIPs[0]!, 92);

    expect(byPod.get('multus2017')!.format).toBe('multus2017');
    expect(shape('multus2017')).toEqual([['default/podnet', 'eth0', true], ['default/mnet', 'net0', false]]);
    inSubnet(ipOf('multus2017', 'net0'), 94);

    expect(byPod.get('danm')!.format).toBe('danm');
    expect(shape('danm')).toEqual([['default/podnet', 'eth0', true], ['default/dbnet', 'eth1', false]]);
    expect(ipOf('danm', 'eth1')).toBe('10.250.91.50');
    const danmNs = byPod.get('danm')!.netns!.split('/').pop()!;
    expect(await addressesIn(danmNs, 'eth1')).toEqual(['10.250.91.50/24']);

    expect(byPod.get('danm-tenant')!.error?.code).toBe('SELECTION_UNSUPPORTED');
    expect(byPod.get('danm-tenant')!.networks).toEqual([]);
    expect(byPod.get('kep-missing')!.error).toMatchObject({ code: 'POD_NETWORK_NOT_FOUND', message: expect.stringContaining('PodNetwork "nowhere" does not exist') });
    for (const ok of ['alpha', 'npwg', 'npwg-comma', 'npwg-default-net', 'kep', 'kep-pna', 'genie', 'multus2017', 'danm']) expect(byPod.get(ok)!.error).toBeNull();

    // Everything is torn down when the pods leave.
    await writeFile(join(dir, 'manifests', 'all.yaml'), '');
    expect(await run()).toEqual([]);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    const listed = await ip('netns', 'list');
    for (const line of lines) if (line.sandboxId) expect(listed).not.toContain(`${NETNS_PREFIX}${line.sandboxId.slice(0, 12)}`);
  });
});
