/**
 * An ADD cut short (timeout, abort, crash) can leave a plugin's temporary link in the pod's
 * namespace — macvlan makes its link as `veth<8 hex>` there and renames it afterwards. The DEL
 * that undoes such an ADD is followed by a sweep of those links. Debian's macvlan, a real
 * namespace, a veth pair as master.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type CniDriver, type PodRecord } from '@multinet/cni-driver';
import { openPodRecords } from './support/pod-records.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { createTestNetns, createTestVeth, ip, linkExists, listLeases, type TestNetns, type TestVeth } from './support/netns.ts';

describe.runIf(hasRealParts())('an ADD cut short in a real namespace', () => {
  let dir: string;
  let netns: TestNetns;
  let master: TestVeth;
  let drivers: CniDriver[];

  const open = (): CniDriver => {
    const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [REAL_PLUGIN_DIR], stateDir: join(dir, 'state'), watch: false, loopback: false });
    drivers.push(driver);
    return driver;
  };
  const sandbox = () => ({ sandboxId: 'mn-halfmade', netns: netns.path, pod: { namespace: 'default', name: 'halfmade', uid: 'uid-halfmade' } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-halfmade-'));
    netns = await createTestNetns();
    master = await createTestVeth();
    drivers = [];
    await mkdir(join(dir, 'net.d'));
    await writeFile(
      join(dir, 'net.d', '10-macnet.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'macnet', plugins: [{ type: 'macvlan', master: master.name, mode: 'bridge', ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: '10.250.76.0/24' }]] } }] }),
    );
  });

  afterEach(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await netns.remove();
    await master.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('removes the temporary macvlan link when it undoes the interrupted ADD, then makes the attachment again', async () => {
    const first = open();
    await first.setUpPod(sandbox());
    await first.close();
    // What a kill between macvlan's link creation and its rename leaves: the link under its
    // temporary name, and a record that says the ADD was under way.
    await ip('-n', netns.name, 'link', 'set', 'dev', 'eth0', 'name', 'veth1a2b3c4d');
    const store = openPodRecords(join(dir, 'state'));
    const record = (await store.read('mn-halfmade'))!;
    await store.write('mn-halfmade', { ...record, phase: 'setting-up', attachments: record.attachments.map((a) => ({ ...a, state: 'adding' as const, result: undefined })) });

    const status = await open().setUpPod(sandbox());
    expect(await linkExists('veth1a2b3c4d', netns.name)).toBe(false);
    expect(await linkExists('eth0', netns.name)).toBe(true);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([`macnet/${status.podIPs[0]}`]);
  });
});
