/**
 * Verification after a restart with Debian's bridge in real namespaces: CHECK alone is stricter
 * than "the attachment works" (the bridge fails it once the bridge's MAC moved with its ports),
 * so only an interface or address really missing from the namespace makes an attachment again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, type CniDriver } from '@multinet/cni-driver';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { createTestNetns, ip, uniqueSuffix, type TestNetns } from './support/netns.ts';

describe.runIf(hasRealParts())('a recovered bridge attachment', () => {
  let dir: string;
  let bridge: string;
  let spaces: TestNetns[];
  let drivers: CniDriver[];
  const open = (): CniDriver => {
    const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [REAL_PLUGIN_DIR], stateDir: join(dir, 'state'), watch: false, loopback: false });
    drivers.push(driver);
    return driver;
  };
  const sandbox = (name: string, netns: TestNetns) => ({ sandboxId: `mn-${name}`, netns: netns.path, pod: { namespace: 'default', name, uid: `uid-${name}` } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-verify-'));
    bridge = `mnvb${uniqueSuffix()}`;
    spaces = [await createTestNetns(), await createTestNetns()];
    drivers = [];
    await mkdir(join(dir, 'net.d'));
    await writeFile(
      join(dir, 'net.d', '10-vnet.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'vnet', plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: '10.250.125.0/24' }]] } }] }),
    );
  });

  afterEach(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    for (const netns of spaces) await netns.remove();
    await ip('link', 'delete', bridge).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('is kept, address and all, when other ports of its bridge came and went; made again when its interface is gone', async () => {
    const first = open();
    const a = await first.setUpPod(sandbox('a', spaces[0]!));
    await first.setUpPod(sandbox('b', spaces[1]!));
    await first.tearDownPod('mn-b');
    await first.close();
    // What a port coming or going can do to a bridge without a fixed MAC, made certain here.
    await ip('link', 'set', 'dev', bridge, 'address', '02:50:00:00:00:01');

    const kept = await open().reconcilePod(sandbox('a', spaces[0]!));
    expect(kept.repaired).toEqual([]);
    expect(kept.status.podIPs).toEqual(a.podIPs);
    await drivers.at(-1)!.close();

    await ip('-n', spaces[0]!.name, 'link', 'delete', 'eth0');
    const repaired = await open().reconcilePod(sandbox('a', spaces[0]!));
    expect(repaired.repaired).toEqual([{ network: 'vnet', ifName: 'eth0' }]);
    expect(repaired.status.networks.map((n) => n.interface)).toEqual(['eth0']);
  });
});
