/**
 * Capability args of the wrong shape are refused with CAPABILITY_ARGS_INVALID before any plugin
 * runs or anything is written: through cnitool's CAP_ARGS and through the library's sandbox and
 * per-attachment runtime config. Unknown capabilities pass through untouched.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniConfig, createCniDriver, parseNetworkConfigList, type CniDriver, type PodSandbox } from '@multinet/cni-driver';
import { runMultinet } from './support/cli.ts';
import { FIXTURE_PLUGIN_DIR, readNoopLog } from './support/noop.ts';

let dir: string;
let drivers: CniDriver[];
const log = () => join(dir, 'anet.json');
const listFiles = async (path: string): Promise<string[]> => readdir(path, { recursive: true }).catch(() => []);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh3-caps-'));
  drivers = [];
  await mkdir(join(dir, 'net.d'));
  await cp(FIXTURE_PLUGIN_DIR, join(dir, 'bin'), { recursive: true });
  await writeFile(
    join(dir, 'net.d', '10-anet.conflist'),
    JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log(), capabilities: { portMappings: true, 'example.com/custom': true } }] }),
  );
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('multinet cnitool CAP_ARGS', () => {
  it('refuses {"portMappings":"x"} naming the capability and field, before any plugin runs or any cache write', async () => {
    const cache = join(dir, 'cache');
    const env = { NETCONFPATH: join(dir, 'net.d'), CNI_PATH: join(dir, 'bin'), CNI_CACHE_DIR: cache, CAP_ARGS: '{"portMappings":"x"}' };
    const { code, stderr } = await runMultinet(['cnitool', 'add', 'anet', join(dir, 'ns')], env);
    expect(code).toBe(1);
    expect(stderr).toContain('capability "portMappings"');
    expect(stderr).toContain('field "portMappings"');
    expect(await readNoopLog(log())).toEqual([]);
    expect(await listFiles(cache)).toEqual([]);
  });

  it('passes an unknown capability through untouched', async () => {
    const env = { NETCONFPATH: join(dir, 'net.d'), CNI_PATH: join(dir, 'bin'), CNI_CACHE_DIR: join(dir, 'cache'), CAP_ARGS: '{"example.com/custom":"x","portMappings":[]}' };
    const { code } = await runMultinet(['cnitool', 'add', 'anet', join(dir, 'ns')], env);
    expect(code).toBe(0);
    const [add] = await readNoopLog(log());
    expect(JSON.parse(add!.stdin).runtimeConfig).toEqual({ 'example.com/custom': 'x', portMappings: [] });
  });
});

describe('the library', () => {
  const open = (): CniDriver => {
    const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [join(dir, 'bin')], stateDir: join(dir, 'state'), watch: false, loopback: false });
    drivers.push(driver);
    return driver;
  };
  const sandbox = (patch: Partial<PodSandbox>): PodSandbox => ({ sandboxId: 'sb-a', netns: join(dir, 'netns', 'sb-a'), pod: { namespace: 'default', name: 'a', uid: 'uid-a' }, ...patch });

  it.each([
    ['per-attachment runtime config', { attachmentRuntimeConfig: { anet: { portMappings: 'x' } } } as unknown as Partial<PodSandbox>, 'portMappings'],
    ['sandbox port mappings', { portMappings: 'x' } as unknown as Partial<PodSandbox>, 'portMappings'],
    ['sandbox capability args', { capabilityArgs: { bandwidth: { ingressRate: 'fast' } } }, 'bandwidth.ingressRate'],
  ])('refuses a bad capability in the %s before any plugin runs or any record is written', async (_, patch, field) => {
    const driver = open();
    const error = await driver.setUpPod(sandbox(patch)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CAPABILITY_ARGS_INVALID' });
    expect((error as Error).message).toContain(`field "${field}"`);
    expect(await readNoopLog(log())).toEqual([]);
    expect(await driver.listSandboxes()).toEqual([]);
    // A step that never reached a plugin is not a DEL to retry: teardown has nothing to do.
    await driver.tearDownPod('sb-a');
    expect(await readNoopLog(log())).toEqual([]);
  });

  it('passes an unknown capability through untouched', async () => {
    await open().setUpPod(sandbox({ capabilityArgs: { 'example.com/custom': { any: ['shape', 1] } } }));
    const [add] = await readNoopLog(log());
    expect(JSON.parse(add!.stdin).runtimeConfig).toEqual({ 'example.com/custom': { any: ['shape', 1] } });
  });
});

describe('createCniConfig (the libcni-like API)', () => {
  it('refuses a bad capability on ADD and CHECK before any plugin runs or any cache write', async () => {
    const cni = createCniConfig({ pluginDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache') });
    const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log(), capabilities: { portMappings: true } }] }));
    const rt = { containerId: 'mnh3-c1', netns: join(dir, 'ns'), ifName: 'eth0', capabilityArgs: { portMappings: 'x' } };
    await expect(cni.addNetworkList(list, rt)).rejects.toMatchObject({ code: 'CAPABILITY_ARGS_INVALID', message: expect.stringContaining('field "portMappings"') });
    await expect(cni.checkNetworkList(list, rt)).rejects.toMatchObject({ code: 'CAPABILITY_ARGS_INVALID' });
    expect(await readNoopLog(log())).toEqual([]);
    expect(await listFiles(join(dir, 'cache'))).toEqual([]);
  });
});
