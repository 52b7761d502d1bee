import { describe, expect, it } from 'vitest';
import { parseNetworkConfigList, type AnyNetworkObject } from '@multinet/cni-types';
import type { CatalogSnapshot } from '../config/catalog-snapshot.ts';
import { createStaticObjectSource } from '../objects/static-source.ts';
import type { PlannedAttachment } from '../attach/attachment.ts';
import type { PodSandbox } from '../pod/pod-types.ts';
import { buildPodPlan } from './build-pod-plan.ts';

const conf = (file: string, name: string, extra: Record<string, unknown> = {}) => ({
  name,
  file: `/etc/cni/net.d/${file}`,
  list: parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'bridge', capabilities: { ips: true, mac: true, portMappings: true }, ...extra }] })),
});

const networks = [conf('10-podnet.conflist', 'podnet'), conf('20-dbnet.conflist', 'dbnet'), conf('30-weave.conflist', 'weavenet')];
const catalog: CatalogSnapshot = {
  networks: new Map(networks.map((n) => [n.name, n])),
  defaultNetwork: networks[0],
  problems: [],
  plugins: new Map([['bridge', { name: 'bridge', path: '/usr/lib/cni/bridge' }], ['macvlan', { name: 'macvlan', path: '/usr/lib/cni/macvlan' }], ['flannel', { name: 'flannel', path: '/opt/cni/bin/flannel' }]]),
  generation: 1,
};

const sandbox = (pod: Partial<PodSandbox['pod']>, extra: Partial<PodSandbox> = {}): PodSandbox => ({
  sandboxId: 'sb1',
  netns: '/var/run/netns/x',
  pod: { namespace: 'app', name: 'web', uid: 'u1', ...pod },
  ...extra,
});

const plan = (s: PodSandbox, objects: AnyNetworkObject[] = [], existing?: PlannedAttachment[]) =>
  buildPodPlan({ sandbox: s, catalog, objects: createStaticObjectSource(objects), negotiate: async () => '0.4.0', loopback: false, existing });

const rows = (attachments: readonly PlannedAttachment[]) => attachments.map((a) => [a.network, a.ifName, a.isDefault]);
const nad = (name: string, config?: unknown, namespace = 'app'): AnyNetworkObject => ({ kind: 'NetworkAttachmentDefinition', namespace, name, ...(config ? { config: JSON.stringify(config) } : {}) });

describe('buildPodPlan across formats', () => {
  it('gives NPWG pods the cluster default network on eth0 and each NAD on net<position>', async () => {
    const p = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'dbnet,dbnet' } }), [nad('dbnet')]);
    expect(p.format).toBe('npwg');
    expect(rows(p.attachments)).toEqual([['podnet', 'eth0', true], ['app/dbnet', 'net1', false], ['app/dbnet', 'net2', false]]);
  });

  it('injects the NAD name into a thick {cniVersion,type} config and keeps its own cniVersion', async () => {
    const p = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'other/mv' } }), [nad('mv', { cniVersion: '0.3.1', type: 'macvlan' }, 'other')]);
    const mv = p.attachments[1]!;
    expect([mv.network, mv.networkName, mv.cniVersion, mv.source]).toEqual(['other/mv', 'mv', '0.3.1', 'object']);
    expect(JSON.parse(mv.configText)).toEqual({ cniVersion: '0.3.1', name: 'mv', plugins: [{ cniVersion: '0.3.1', type: 'macvlan', name: 'mv' }] });
  });

  it('asks VERSION of the plugin when a NAD config has no cniVersion', async () => {
    const p = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'mv' } }), [nad('mv', { type: 'macvlan' })]);
    expect(p.attachments[1]!.cniVersion).toBe('0.4.0');
  });

  it('fails NETWORK_NOT_FOUND for a NAD with an empty spec and no conf network of its name', async () => {
    await expect(plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'nope' } }), [nad('nope')])).rejects.toMatchObject({ code: 'NETWORK_NOT_FOUND', message: expect.stringContaining('no network available in the name nope') });
  });

  it('sends per-attachment fields to that attachment only: capability args, CNI_ARGS MAC/IP and args.cni', async () => {
    const annotation = JSON.stringify([{ name: 'dbnet', ips: ['10.250.90.9/24'], mac: '02:00:00:00:00:09', portMappings: [{ hostPort: 8080, containerPort: 80 }], 'cni-args': { spoofchk: 'on' } }]);
    const p = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': annotation } }, { portMappings: [{ hostPort: 9090, containerPort: 90, protocol: 'TCP' }] }), [nad('dbnet')]);
    const [def, db] = p.attachments;
    expect(def!.capabilityArgs).toEqual({ portMappings: [{ hostPort: 9090, containerPort: 90, protocol: 'tcp' }] });
    expect(def!.cniArgs.map(([k]) => k)).not.toContain('IP');
    expect(db!.capabilityArgs).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80 }], ips: ['10.250.90.9/24'], mac: '02:00:00:00:00:09' });
    expect(db!.cniArgs.slice(-2)).toEqual([['MAC', '02:00:00:00:00:09'], ['IP', '10.250.90.9/24']]);
    expect((JSON.parse(db!.configText) as { plugins: Array<{ args: unknown }> }).plugins[0]!.args).toEqual({ cni: { spoofchk: 'on' } });
  });

  it('takes per-attachment runtime config through the library API, keyed by network@ifName', async () => {
    const p = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'dbnet' } }, { attachmentRuntimeConfig: { 'app/dbnet@net1': { ips: ['10.250.90.7/24'] } } }), [nad('dbnet')]);
    expect(p.attachments[1]!.capabilityArgs).toEqual({ ips: ['10.250.90.7/24'] });
    expect(p.attachments[0]!.capabilityArgs).toEqual({});
  });

  it('keeps the patch rule for the alpha annotation: port mappings to every network', async () => {
    const p = await plan(sandbox({ annotations: { 'alpha.network.k8s.io/networks': 'podnet,dbnet' } }, { portMappings: [{ hostPort: 9090, containerPort: 90, protocol: 'tcp' }] }));
    expect(p.attachments.map((a) => Object.keys(a.capabilityArgs))).toEqual([['portMappings'], ['portMappings']]);
    expect(rows(p.attachments)).toEqual([['app/podnet', 'eth0', true], ['app/dbnet', 'eth1', false]]);
  });

  it('resolves KEP PodNetworks through parametersRefs, default as the cluster default', async () => {
    const objects: AnyNetworkObject[] = [
      { kind: 'PodNetwork', namespace: '', name: 'dataplane', enabled: true, parametersRefs: [{ group: 'k8s.cni.cncf.io', kind: 'network-attachment-definitions', name: 'dbnet', namespace: 'app' }] },
      nad('dbnet'),
    ];
    const p = await plan(sandbox({ networks: [{ podNetworkName: 'default' }, { podNetworkName: 'dataplane' }] }), objects);
    expect(p.format).toBe('kep');
    expect(rows(p.attachments)).toEqual([['default', 'eth0', true], ['dataplane', 'net1', false]]);
    expect(p.attachments[1]!.networkName).toBe('dbnet');
  });

  it('refuses a pod naming a missing PodNetwork with POD_NETWORK_NOT_FOUND and a disabled one with POD_NETWORK_DISABLED', async () => {
    await expect(plan(sandbox({ networks: [{ podNetworkName: 'nope' }] }))).rejects.toMatchObject({ code: 'POD_NETWORK_NOT_FOUND', message: expect.stringContaining('pod app/web: spec.networks podNetworkName "nope": PodNetwork "nope" does not exist') });
    await expect(plan(sandbox({ networks: [{ podNetworkName: 'off' }] }), [{ kind: 'PodNetwork', namespace: '', name: 'off', enabled: false, parametersRefs: [] }])).rejects.toMatchObject({ code: 'POD_NETWORK_DISABLED' });
  });

  it('matches Genie plugin names against conf file names', async () => {
    const p = await plan(sandbox({ annotations: { cni: 'weave,dbnet@eth0' } }));
    expect(rows(p.attachments)).toEqual([['weave', 'eth1', true], ['dbnet', 'eth0', false]]);
    expect(p.attachments[0]!.networkName).toBe('weavenet');
  });

  it('builds Multus-2017 networks from plugin and args, naming eth0 then net0 unless args name the interface', async () => {
    const objects: AnyNetworkObject[] = [
      { kind: 'MultusNetwork', namespace: 'app', name: 'flannel-networkobj', plugin: 'flannel', args: { delegate: { isDefaultGateway: true } } },
      { kind: 'MultusNetwork', namespace: 'app', name: 'mv', plugin: 'macvlan', args: { cniVersion: '0.3.1', master: 'eth0', ifnameRequest: 'data0' } },
    ];
    const p = await plan(sandbox({ annotations: { networks: '[{"name":"flannel-networkobj"},{"name":"dbnet"},{"name":"mv"}]' } }), objects);
    expect(rows(p.attachments)).toEqual([['app/flannel-networkobj', 'eth0', true], ['app/dbnet', 'net0', false], ['app/mv', 'data0', false]]);
    expect(JSON.parse(p.attachments[0]!.configText)).toEqual({ cniVersion: '0.4.0', name: 'flannel-networkobj', plugins: [{ delegate: { isDefaultGateway: true }, name: 'flannel-networkobj', type: 'flannel', cniVersion: '0.4.0' }] });
    expect(JSON.parse(p.attachments[2]!.configText).plugins[0]).toEqual({ cniVersion: '0.3.1', master: 'eth0', name: 'mv', type: 'macvlan' });
  });

  it('never renames existing interfaces of a running sandbox: a new unnamed NPWG attachment gets the lowest free net<n>', async () => {
    const first = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'dbnet@net2' } }), [nad('dbnet'), nad('weavenet')]);
    const next = await plan(sandbox({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'weavenet,dbnet@net2' } }), [nad('dbnet'), nad('weavenet')], [...first.attachments]);
    expect(rows(next.attachments)).toEqual([['podnet', 'eth0', true], ['app/weavenet', 'net1', false], ['app/dbnet', 'net2', false]]);
  });
});
