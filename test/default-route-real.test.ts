/**
 * NPWG `default-route` with Debian's plugins in a real namespace: the cluster default network's
 * default route leaves the pod, the asking attachment gets one via its gateway, and the results,
 * the network-status annotation and CHECK agree with the namespace.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createStaticObjectSource, isCniError, type CniDriver } from '@multinet/cni-driver';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { createTestNetns, deleteLinkIfPresent, ip, linkExists, listLeases, uniqueSuffix, type TestNetns } from './support/netns.ts';

describe.runIf(hasRealParts())('NPWG default-route in a real namespace', () => {
  let dir: string;
  let netns: TestNetns;
  let bridges: string[];
  let driver: CniDriver;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-defroute-'));
    netns = await createTestNetns();
    bridges = [`mnh1${uniqueSuffix()}`, `mnh1${uniqueSuffix()}`];
    const confDir = join(dir, 'net.d');
    await mkdir(confDir);
    const ipam = (subnet: string, routes: object[] = []) => ({ type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]], routes });
    // The cluster default network gives the pod a default route of its own.
    const podnet = { cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'bridge', bridge: bridges[0], isGateway: true, ipMasq: false, ipam: ipam('10.250.171.0/24', [{ dst: '0.0.0.0/0' }]) }] };
    const sidenet = { cniVersion: '0.4.0', name: 'sidenet', plugins: [{ type: 'bridge', bridge: bridges[1], isGateway: true, ipMasq: false, ipam: ipam('10.250.172.0/24') }] };
    await writeFile(join(confDir, '10-podnet.conflist'), JSON.stringify(podnet));
    await writeFile(join(confDir, '20-sidenet.conflist'), JSON.stringify(sidenet));
    driver = createCniDriver({ confDir, pluginDirs: [REAL_PLUGIN_DIR], stateDir: join(dir, 'state'), objectSource: createStaticObjectSource([]), watch: false });
  });

  afterEach(async () => {
    await driver.close();
    await netns.remove();
    for (const bridge of bridges) await deleteLinkIfPresent(bridge);
    await rm(dir, { recursive: true, force: true });
  });

  const defaultRoutes = async (): Promise<Array<{ gateway?: string; dev?: string }>> => JSON.parse((await ip('-n', netns.name, '-j', '-4', 'route', 'show', 'default')) || '[]') as Array<{ gateway?: string; dev?: string }>;
  const sandbox = (selection: string) => ({
    sandboxId: `mnh1${uniqueSuffix()}`,
    netns: netns.path,
    pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'k8s.v1.cni.cncf.io/networks': selection } },
  });

  it('moves the pod\'s default route from eth0 to net1 via the asked gateway, in the namespace, the results and network-status', async () => {
    const { sandboxId, ...rest } = sandbox('[{"name":"sidenet","default-route":["10.250.172.1"]}]');
    const status = await driver.setUpPod({ sandboxId, ...rest });

    expect(await defaultRoutes()).toEqual([expect.objectContaining({ gateway: '10.250.172.1', dev: 'net1' })]);
    const [eth0, net1] = status.networks;
    expect([eth0?.name, eth0?.interface, eth0?.default, net1?.name, net1?.interface, net1?.default]).toEqual(['podnet', 'eth0', true, 'default/sidenet', 'net1', false]);
    expect(JSON.stringify(eth0?.result)).not.toContain('0.0.0.0/0');
    expect((net1?.result as { routes?: unknown[] }).routes).toEqual([{ dst: '0.0.0.0/0', gw: '10.250.172.1' }]);
    // The pod IPs stay the cluster default network's (NPWG: default-route moves routes only).
    expect(status.podIPs).toEqual(eth0?.ips);
    expect(status.podIPs[0]).toMatch(/^10\.250\.171\./);
    const annotation = JSON.parse(status.networkStatusAnnotation!) as Array<Record<string, unknown>>;
    expect(annotation.map((s) => [s['name'], s['interface'], s['default'] ?? false, s['gateway']])).toEqual([
      ['podnet', 'eth0', true, undefined],
      ['default/sidenet', 'net1', false, ['10.250.172.1']],
    ]);

    // The recorded results match the namespace: CHECK (bridge validates routes) passes.
    await driver.checkPod(sandboxId);
    await driver.tearDownPod(sandboxId);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await linkExists('net1', netns.name)).toBe(false);
  });

  it('fails the setup with DEFAULT_ROUTE_FAILED when the gateway cannot be reached, and rolls everything back', async () => {
    const error = await driver.setUpPod(sandbox('[{"name":"sidenet","default-route":["10.250.173.1"]}]')).catch((e: unknown) => e);

    expect(isCniError(error) && error.code).toBe('POD_SETUP_FAILED');
    const cause = (error as Error).cause;
    expect(isCniError(cause) && cause.code).toBe('DEFAULT_ROUTE_FAILED');
    expect((error as Error).message).toContain('10.250.173.1');
    expect(await linkExists('eth0', netns.name)).toBe(false);
    expect(await linkExists('net1', netns.name)).toBe(false);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await driver.listSandboxes()).toEqual([]);
  });
});
