/**
 * The dynamic story with Debian's plugins in real namespaces, through `multinet run --once
 * --json` with the manifest edited between runs (each run is a kubelet restart): a pod on A;
 * its request becomes [B, A], then [B], then it is deleted. One run is SIGKILLed between B's ADD
 * and its record update; the next start recovers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MULTINET_BIN } from './support/cli.ts';
import { openPodRecords } from './support/pod-records.ts';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { ip, listLeases, uniqueNetnsPrefix, uniqueSuffix } from './support/netns.ts';

/** This file's sandbox namespaces: <prefix><12 hex>. */
const NETNS_PREFIX = uniqueNetnsPrefix();

interface PodLine {
  pod: string;
  netns: string | null;
  podIPs: string[];
  networks: Array<{ name: string; interface: string; ips: string[]; mac: string | null; default: boolean }>;
  error: { code: string; message: string } | null;
}

describe.runIf(hasRealParts())('a running pod whose networks change, across restarts and a SIGKILL', () => {
  let dir: string;
  let bridge: string;

  const podFile = () => join(dir, 'manifests', 'web.yaml');
  const writePod = (networks: string) =>
    writeFile(podFile(), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    alpha.network.k8s.io/networks: ${networks}\n`);
  const start = (extra: string[] = []) =>
    spawn(
      process.execPath,
      [MULTINET_BIN, 'run', '--once', '--json', '--netns', 'real', '--netns-prefix', NETNS_PREFIX, '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', `${REAL_PLUGIN_DIR}:${FIXTURE_PLUGIN_DIR}`, '--state-dir', join(dir, 'state'), ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  const runOnce = (): Promise<PodLine[]> =>
    new Promise((resolve, reject) => {
      const child = start();
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => (code === 0 ? resolve(stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PodLine)) : reject(new Error(`exit ${code}: ${stderr}`))));
    });
  const addressesIn = async (netns: string): Promise<Record<string, string[]>> => {
    const links = JSON.parse(await ip('-n', netns.split('/').pop()!, '-j', 'addr', 'show')) as Array<{ ifname: string; address?: string; addr_info: Array<{ family: string; local: string }> }>;
    return Object.fromEntries(links.filter((l) => l.ifname !== 'lo').map((l) => [l.ifname, [l.address ?? '', ...l.addr_info.filter((a) => a.family === 'inet').map((a) => a.local)]]));
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-dynamic-'));
    bridge = `mnd${uniqueSuffix()}`;
    await mkdir(join(dir, 'net.d'));
    await mkdir(join(dir, 'manifests'));
    const ipam = (subnet: string) => ({ type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]] });
    await writeFile(join(dir, 'net.d', '10-anet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: ipam('10.250.74.0/24') }] }));
    // B is ptp followed by a noop that passes the result through (and can be told to hang).
    await writeFile(
      join(dir, 'net.d', '20-bnet.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'bnet', plugins: [{ type: 'ptp', ipMasq: false, ipam: ipam('10.250.75.0/24') }, { type: 'noop', debugFile: join(dir, 'noop.json') }] }),
    );
    await writeNoopControl(join(dir, 'noop.json'), { ADD: { result: 'PASSTHROUGH' } });
  });

  afterEach(async () => {
    await ip('link', 'delete', bridge).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('adds B on eth1 and moves the pod IPs to it, keeps A untouched, then detaches A and frees its address, and recovers from a kill mid-change', async () => {
    await writePod('anet');
    const [onA] = await runOnce();
    expect(onA?.networks.map((n) => [n.name, n.interface, n.default])).toEqual([['default/anet', 'eth0', true]]);
    const eth0 = onA!.networks[0]!;

    // [B, A], with a SIGKILL while B's chain runs: ptp has ADDed, the record still says `adding`.
    await writePod('bnet,anet');
    await writeNoopControl(join(dir, 'noop.json'), { ADD: { result: 'PASSTHROUGH', sleepMs: 600_000 } });
    const killed = start();
    while ((await readNoopLog(join(dir, 'noop.json')).catch(() => [])).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const exited = new Promise((resolve) => killed.once('exit', resolve));
    killed.kill('SIGKILL');
    await exited;
    await writeNoopControl(join(dir, 'noop.json'), { ADD: { result: 'PASSTHROUGH' } });

    const [onBA] = await runOnce();
    expect(onBA?.error).toBeNull();
    expect(onBA?.networks.map((n) => [n.name, n.interface, n.default])).toEqual([
      ['default/bnet', 'eth1', true],
      ['default/anet', 'eth0', false],
    ]);
    const eth1 = onBA!.networks[0]!;
    expect(onBA?.podIPs).toEqual(eth1.ips);
    expect(onBA?.networks[1]).toEqual({ ...eth0, default: false });
    expect(await addressesIn(onBA!.netns!)).toEqual({ eth0: [eth0.mac, ...eth0.ips], eth1: [eth1.mac, ...eth1.ips] });
    // The killed attempt's address was given back: one lease per attachment.
    expect((await listLeases(join(dir, 'ipam'))).sort()).toEqual([`anet/${eth0.ips[0]}`, `bnet/${eth1.ips[0]}`]);

    await writePod('bnet');
    const [onB] = await runOnce();
    expect(onB?.networks).toEqual([eth1]);
    expect(await addressesIn(onB!.netns!)).toEqual({ eth1: [eth1.mac, ...eth1.ips] });
    expect(await listLeases(join(dir, 'ipam'))).toEqual([`bnet/${eth1.ips[0]}`]);

    await unlink(podFile());
    expect(await runOnce()).toEqual([]);
    expect(await listLeases(join(dir, 'ipam'))).toEqual([]);
    expect(await ip('netns', 'list')).not.toContain(onA!.netns!.split('/').pop()!);
    expect(await openPodRecords(join(dir, 'state', 'driver')).keys()).toEqual([]);
  }, 120_000);
});
