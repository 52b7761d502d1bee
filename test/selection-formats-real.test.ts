/**
 * Acceptance of every selection format: manifests in each format, run through
 * `multinet run --once --json` with Debian's plugins in real namespaces, give the attachments,
 * interface names and pod IPs the format's rules say, and the NPWG network-status annotation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodLine } from '@multinet/fake-runtime';
import { MULTINET_BIN } from './support/cli.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { addressesIn, deleteLinkIfPresent, ip, listLeases, uniqueSuffix } from './support/netns.ts';

const ipam = (dataDir: string, subnet: string) => ({ type: 'host-local', dataDir, ranges: [[{ subnet }]] });

function buildManifests(dataDir: string, nadBridge: string, multusBridge: string): string {
  const macnet = { cniVersion: '0.3.1', type: 'bridge', bridge: nadBridge, isGateway: false, ipMasq: false, capabilities: { ips: true }, ipam: ipam(dataDir, '10.250.93.0/24') };
  const multusArgs = [{ cniVersion: '0.4.0', bridge: multusBridge, isGateway: false, ipMasq: false, ipam: ipam(dataDir, '10.250.94.0/24') }];
  const docs = [
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'macnet' }, spec: { config: JSON.stringify(macnet) } },
    { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'dbnet' } },
    { apiVersion: 'v1', kind: 'PodNetwork', metadata: { name: 'dataplane' }, spec: { enabled: true, provider: 'k8s.cni.cncf.io/multus', parametersRefs: [{ group: 'k8s.cni.cncf.io', kind: 'network-attachment-definitions', name: 'macnet', namespace: 'default' }] } },
    { apiVersion: 'kubernetes.com/v1', kind: 'Network', metadata: { name: 'mnet' }, plugin: 'bridge', args: JSON.stringify(multusArgs) },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'alpha', annotations: { 'alpha.network.k8s.io/networks': 'dbnet,podnet' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'npwg', annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"macnet","ips":["10.250.93.20/24"]},{"name":"dbnet","interface":"data0"}]' } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kep' }, spec: { networks: [{ podNetworkName: 'default' }, { podNetworkName: 'dataplane', isDefaultGW4: true }] } },
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
    await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'bridge', bridge: bridges[0], isGateway: true, ipMasq: false, ipam: ipam(dataDir, '10.250.90.0/24') }] }));
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
        [MULTINET_BIN, 'run', '--once', '--json', '--netns', 'real', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', REAL_PLUGIN_DIR, '--state-dir', join(dir, 'state')],
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as PodLine))),
      );
    });

  it('gives each format its attachments, interface names, pod IPs and network-status; a bad request fails its pod only', async () => {
    const lines = await run();
    const byPod = new Map(lines.map((l) => [l.pod.split('/')[1]!, l]));
    const shape = (name: string) => byPod.get(name)!.networks.map((n) => [n.name, n.interface, n.default]);
    const ipOf = (name: string, ifName: string) => byPod.get(name)!.networks.find((n) => n.interface === ifName)!.ips[0]!;
    const inSubnet = (ipText: string, third: number) => expect(ipText).toMatch(new RegExp(`^10\\.250\\.${third}\\.\\d+$`));

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
    expect(status[0]!['gateway']).toBeUndefined();
    expect(byPod.get('npwg')!.networkStatus).toContain('[{\n    "name": "podnet",\n    "interface": "eth0",\n    "ips": [\n        "10.250.90.');

    expect(byPod.get('kep')!.format).toBe('kep');
    expect(shape('kep')).toEqual([['default', 'eth0', false], ['dataplane', 'net1', true]]);
    inSubnet(byPod.get('kep')!.podIPs[0]!, 93);
    expect(byPod.get('kep')!.podIPEntries.map((e) => [e.podNetwork, e.interfaceName])).toEqual([['dataplane', 'net1'], ['default', 'eth0']]);

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
    for (const ok of ['alpha', 'npwg', 'kep', 'genie', 'multus2017', 'danm']) expect(byPod.get(ok)!.error).toBeNull();

    // Everything is torn down when the pods leave.
    await writeFile(join(dir, 'manifests', 'all.yaml'), '');
    expect(await run()).toEqual([]);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    const listed = await ip('netns', 'list');
    for (const line of lines) if (line.sandboxId) expect(listed).not.toContain(`multinet-sb-${line.sandboxId.slice(0, 12)}`);
  });
});
