/**
 * Requests that can never reach a plugin fail their pod at once, before anything is recorded or
 * run, so nothing is left that teardown could never finish; answers libcni refuses are refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, formatCniArgs, parseNetworkConfigList, type CniDriver, type PodSandbox } from '@multinet/cni-driver';
import { openPodRecords } from './support/pod-records.ts';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';

let dir: string;
let drivers: CniDriver[];
const log = () => join(dir, 'anet.json');

const open = (loopback = false, limits: { maxNetworksPerPod?: number; maxConfBytes?: number } = {}): CniDriver => {
  const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [join(dir, 'bin')], stateDir: join(dir, 'state'), watch: false, loopback, ...limits });
  drivers.push(driver);
  return driver;
};
const pod = (name: string, networks?: string): PodSandbox => ({
  sandboxId: 'sb-1',
  netns: join(dir, 'netns', 'sb-1'),
  pod: { namespace: 'default', name, uid: 'uid-1', annotations: networks === undefined ? {} : { 'alpha.network.k8s.io/networks': networks } },
});
const records = async () => openPodRecords(join(dir, 'state')).keys();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-badreq-'));
  drivers = [];
  await mkdir(join(dir, 'net.d'));
  await cp(FIXTURE_PLUGIN_DIR, join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'net.d', '10-anet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log() }] }));
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('a request that cannot reach a plugin', () => {
  it.each([
    ['a ";" in the pod name', 'web;x'],
    ['a NUL in the pod name', 'web\u0000x'],
    ['a newline in the pod name', 'web\nx'],
  ])('with %s fails with CNI_ARGS_INVALID, runs nothing and records nothing', async (_, name) => {
    const driver = open();
    await expect(driver.setUpPod(pod(name))).rejects.toMatchObject({ code: 'CNI_ARGS_INVALID' });
    expect(await readNoopLog(log()).catch(() => [])).toEqual([]);
    expect(await records()).toEqual([]);
    await expect(driver.tearDownPod('sb-1')).resolves.toBeUndefined();
  });

  it('naming a plugin that is not installed fails with PLUGIN_NOT_FOUND before anything runs (its DEL could never run either), and works once it is', async () => {
    await writeFile(join(dir, 'net.d', '10-anet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log() }, { type: 'later' }] }));
    const driver = open();
    await expect(driver.setUpPod(pod('web'))).rejects.toMatchObject({ code: 'PLUGIN_NOT_FOUND', details: expect.objectContaining({ plugin: 'later', network: 'anet' }) });
    expect(await readNoopLog(log()).catch(() => [])).toEqual([]);
    expect(await records()).toEqual([]);
    await cp(join(FIXTURE_PLUGIN_DIR, 'noop'), join(dir, 'bin', 'later'));
    await expect(driver.setUpPod(pod('web'))).resolves.toMatchObject({ networks: [expect.objectContaining({ interface: 'eth0' })] });
  });

  it('asking for a network on "lo" while loopback is installed fails with INTERFACE_NAME_CONFLICT before anything runs', async () => {
    const driver = open(true);
    await expect(driver.setUpPod(pod('web', 'anet@lo'))).rejects.toMatchObject({ code: 'INTERFACE_NAME_CONFLICT' });
    expect(await records()).toEqual([]);
  });
});

describe('limits a runtime author sets', () => {
  it('refuses a pod asking for more networks than maxNetworksPerPod before anything runs', async () => {
    await expect(open(false, { maxNetworksPerPod: 4 }).setUpPod(pod('web', 'anet,anet,anet,anet,anet'))).rejects.toMatchObject({ code: 'SELECTION_INVALID' });
    expect(await readNoopLog(log()).catch(() => [])).toEqual([]);
    expect(await records()).toEqual([]);
  });

  it('skips a conf file over maxConfBytes unread, as a problem, and the other networks stay usable', async () => {
    await writeFile(join(dir, 'net.d', '20-huge.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'huge', plugins: [{ type: 'noop', pad: 'x'.repeat(5000) }] }));
    const driver = open(false, { maxConfBytes: 4096 });
    const { catalog } = await driver.sync();
    expect(catalog.problems.map((p) => p.file)).toEqual([join(dir, 'net.d', '20-huge.conflist')]);
    expect([...catalog.networks.keys()]).toEqual(['anet']);
    await expect(driver.setUpPod(pod('web', 'huge'))).rejects.toMatchObject({ code: 'NETWORK_NOT_FOUND' });
  });
});

describe('answers and configs libcni refuses', () => {
  it('an ADD that exits 0 without a result fails the setup with PLUGIN_OUTPUT_INVALID and is rolled back', async () => {
    await writeNoopControl(log(), { ADD: { stdout: '' } });
    const error = await open().setUpPod(pod('web')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: expect.objectContaining({ code: 'PLUGIN_OUTPUT_INVALID' }) });
    expect((await readNoopLog(log())).map((e) => e.command)).toEqual(['ADD', 'DEL']);
    expect(await records()).toEqual([]);
  });

  it('a config nested 5,000 deep is CONFIG_INVALID, not a stack overflow', () => {
    const text = `{"cniVersion":"1.0.0","name":"deep","plugins":[{"type":"noop","x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`;
    expect(() => parseNetworkConfigList(text)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('CNI_ARGS refuses a value with "=" that a plugin would split differently', () => {
    expect(() => formatCniArgs([['K8S_POD_NAME', 'a=b']])).toThrow(expect.objectContaining({ code: 'CNI_ARGS_INVALID' }));
  });
});
