/**
 * A pod on three networks with Debian's plugins in a real namespace, torn down after a driver
 * restart with one network's conf file gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createStaticObjectSource, type CniDriver } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { addressesIn, createTestNetns, deleteLinkIfPresent, linkExists, listLeases, uniqueSuffix, type TestNetns } from './support/netns.ts';

describe.runIf(hasRealParts())('a pod on bridge, ptp and a thick plugin, in a real namespace', () => {
  let dir: string;
  let netns: TestNetns;
  let bridge: string;
  let drivers: CniDriver[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-podreal-'));
    netns = await createTestNetns();
    bridge = `mnb${uniqueSuffix()}`;
    drivers = [];
    const confDir = join(dir, 'net.d');
    await mkdir(confDir);
    const ipam = (subnet: string) => ({ type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]] });
    await writeFile(join(confDir, '10-dbnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'dbnet', plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: ipam('10.250.50.0/24') }] }));
    await writeFile(join(confDir, '20-othernet.conf'), JSON.stringify({ cniVersion: '0.4.0', name: 'othernet', type: 'ptp', ipMasq: false, ipam: ipam('10.250.51.0/24') }));
  });

  afterEach(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await netns.remove();
    await deleteLinkIfPresent(bridge);
    await rm(dir, { recursive: true, force: true });
  });

  const open = (): CniDriver => {
    const driver = createCniDriver({
      confDir: join(dir, 'net.d'),
      pluginDirs: [REAL_PLUGIN_DIR, FIXTURE_PLUGIN_DIR],
      stateDir: join(dir, 'state'),
      objectSource: createStaticObjectSource([
        { namespace: 'default', name: 'dbnet' },
        { namespace: 'default', name: 'othernet' },
        { namespace: 'default', name: 'thick-plugin-example', plugin: 'thick-plugin' },
      ]),
      watch: false,
    });
    drivers.push(driver);
    return driver;
  };

  it('gets eth0, eth1 and eth2 with their addresses, and the pod IPs are eth0\'s; teardown after a restart leaves nothing', async () => {
    const first = open();
    const status = await first.setUpPod({
      sandboxId: `mn${uniqueSuffix()}`,
      netns: netns.path,
      pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'alpha.network.k8s.io/networks': 'dbnet,othernet,thick-plugin-example' } },
    });
    const [eth0, eth1, eth2] = status.networks;
    expect(eth0?.ips[0]).toMatch(/^10\.250\.50\./);
    expect(eth1?.ips[0]).toMatch(/^10\.250\.51\./);
    expect(eth2?.interface).toBe('eth2');
    expect(await addressesIn(netns.name, 'eth0')).toEqual([`${eth0?.ips[0]}/24`]);
    expect(await addressesIn(netns.name, 'eth1')).toEqual([`${eth1?.ips[0]}/24`]);
    expect(status.podIPs).toEqual(eth0?.ips);
    expect(await addressesIn(netns.name, 'lo')).toContain('127.0.0.1/8');
    expect(await listLeases(join(dir, 'ipam'))).toHaveLength(2);

    // The second network's conf file goes away; the runtime restarts; the pod is torn down.
    await unlink(join(dir, 'net.d', '20-othernet.conf'));
    await first.close();
    const restarted = open();
    await restarted.tearDownPod(status.sandboxId);
    expect(await linkExists('eth0', netns.name)).toBe(false);
    expect(await linkExists('eth1', netns.name)).toBe(false);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await restarted.listSandboxes()).toEqual([]);
  });
});
