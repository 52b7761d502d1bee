/**
 * Teardown trusts nothing it did not verify: records and dirs that were planted or tampered
 * with (a recomputed checksum passes) are refused or quarantined, never acted on. The noop
 * fixture plugin logs every call, so "never acted on" is "no call in the log".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, POD_RECORD_KIND, POD_RECORD_VERSION, type CniDriver, type PodRecord } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, readNoopLog } from './support/noop.ts';
import { openPodRecords } from './support/pod-records.ts';

let dir: string;
let stateDir: string;
let drivers: CniDriver[];
const log = () => join(dir, 'anet.json');

// With the libcni cache written too: a quarantined record's sandbox is torn down from it.
const open = (): CniDriver => {
  const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [join(dir, 'bin')], stateDir, watch: false, loopback: false, libcniCache: true });
  drivers.push(driver);
  return driver;
};
const sandbox = (id = 'sb-a') => ({ sandboxId: id, netns: join(dir, 'netns', id), pod: { namespace: 'default', name: id, uid: `uid-${id}` } });

/** Rewrites a record as an attacker would: valid envelope, recomputed checksum, hostile data. */
async function tamper(key: string, change: (record: PodRecord) => PodRecord): Promise<void> {
  const raw = openPodRecords(stateDir, (d) => d as PodRecord);
  const record = (await raw.read(key))!;
  await raw.write(key, change(record));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-hostile-'));
  stateDir = join(dir, 'state');
  drivers = [];
  await mkdir(join(dir, 'net.d'));
  await cp(FIXTURE_PLUGIN_DIR, join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'net.d', '10-anet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log() }] }));
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('a tampered record', () => {
  it('naming the host network namespace makes teardown refuse with NETNS_UNSAFE and run no plugin', async () => {
    const first = open();
    await first.setUpPod(sandbox());
    await first.close();
    await tamper('sb-a', (r) => ({ ...r, netns: '/proc/self/ns/net' }));
    await expect(open().tearDownPod('sb-a')).rejects.toMatchObject({ code: 'NETNS_UNSAFE' });
    expect((await readNoopLog(log())).map((e) => e.command)).toEqual(['ADD']);
  });

  it('with an interface name holding "../" is quarantined, and no DEL runs with that name', async () => {
    const first = open();
    await first.setUpPod(sandbox());
    await first.close();
    await tamper('sb-a', (r) => ({ ...r, attachments: r.attachments.map((a) => ({ ...a, ifName: '../../x' })) }));
    await open().tearDownPod('sb-a');
    expect((await readNoopLog(log())).map((e) => e.env['CNI_IFNAME'])).not.toContain('../../x');
    expect(await readdir(join(stateDir, 'records', 'quarantine'))).toHaveLength(1);
  });

  it("stored under sandbox A but naming sandbox B is quarantined and never tears B down", async () => {
    const first = open();
    await first.setUpPod(sandbox('sb-a'));
    await first.setUpPod(sandbox('sb-b'));
    await first.close();
    await tamper('sb-a', (r) => ({ ...r, sandboxId: 'sb-b' }));
    const driver = open();
    const listed = await driver.listSandboxes();
    expect(listed.map((s) => s.sandboxId)).toEqual(['sb-b']);
    await driver.tearDownPod('sb-a');
    expect((await readNoopLog(log())).filter((e) => e.command === 'DEL').map((e) => e.env['CNI_CONTAINERID'])).toEqual(['sb-a']);
    expect((await driver.listSandboxes()).map((s) => s.sandboxId)).toEqual(['sb-b']);
  });

  it('naming a plugin by path is quarantined', async () => {
    const first = open();
    await first.setUpPod(sandbox());
    await first.close();
    await tamper('sb-a', (r) => ({ ...r, attachments: r.attachments.map((a) => ({ ...a, configText: a.configText.replace('"noop"', '"/bin/true"') })) }));
    expect(await open().listSandboxes()).toEqual([]);
    expect(await readdir(join(stateDir, 'records', 'quarantine'))).toHaveLength(1);
  });
});

describe('state and cache dirs', () => {
  it('refuses a world-writable state dir with STATE_DIR_UNSAFE', async () => {
    await mkdir(stateDir, { mode: 0o700 });
    await chmod(stateDir, 0o777);
    await expect(open().setUpPod(sandbox())).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    expect(await readNoopLog(log()).catch(() => [])).toEqual([]);
  });

  it('refuses a cache results dir owned by another user', async () => {
    await mkdir(join(stateDir, 'cache', 'results'), { recursive: true, mode: 0o700 });
    await chown(join(stateDir, 'cache', 'results'), 65534, 65534);
    await expect(open().gc([])).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
  });
});
