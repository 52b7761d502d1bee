import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CNI_VERSIONS, parseNetworkConfigList, type NetworkConfigList } from '@multinet/cni-types';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl, type NoopControl } from '../../../../test/support/noop.ts';
import { createCniConfig, type CniConfig } from './cni-config.ts';
import type { RuntimeConf } from './chain-context.ts';

let dir: string;
let debugFile: string;
let cni: CniConfig;
const rt: RuntimeConf = { containerId: 'c0ffee', netns: '/var/run/netns/fake', ifName: 'eth0', args: [['K8S_POD_NAME', 'web']] };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-chain-'));
  debugFile = join(dir, 'noop.json');
  cni = createCniConfig({ pluginDirs: [FIXTURE_PLUGIN_DIR], cacheDir: join(dir, 'cache'), timeoutMs: 20_000, killGraceMs: 200 });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A list of noop plugins that each log under a `step` mark, with optional capabilities. */
function noopList(cniVersion: string, extra: Record<string, unknown> = {}, plugins = 2): NetworkConfigList {
  return parseNetworkConfigList(
    JSON.stringify({
      cniVersion,
      name: 'chain',
      plugins: Array.from({ length: plugins }, (_, i) => ({ type: 'noop', step: i, debugFile, ...(i === 1 ? { capabilities: { portMappings: true } } : {}) })),
      ...extra,
    }),
  );
}

const control = (c: NoopControl) => writeNoopControl(debugFile, c);
const stdinOf = (entry: { stdin: string }) => JSON.parse(entry.stdin) as Record<string, any>;

describe('chains of every version', () => {
  for (const version of CNI_VERSIONS) {
    it(`runs ADD in order and DEL in reverse at ${version}, with prevResult on DEL only from 0.4.0`, async () => {
      const list = noopList(version);
      const result = await cni.addNetworkList(list, rt);
      expect(result?.cniVersion).toBe(version);
      await cni.delNetworkList(list, rt);
      const log = await readNoopLog(debugFile);
      expect(log.map((e) => `${e.command}:${stdinOf(e)['step']}`)).toEqual(['ADD:0', 'ADD:1', 'DEL:1', 'DEL:0']);
      expect(stdinOf(log[0]!)['prevResult']).toBeUndefined();
      expect(stdinOf(log[1]!)['prevResult']).toMatchObject({ cniVersion: version });
      const delHasPrev = stdinOf(log[2]!)['prevResult'] !== undefined;
      expect(delHasPrev).toBe(version >= '0.4.0');
    });

    it(`gates CHECK, GC and STATUS by version at ${version}`, async () => {
      const list = noopList(version);
      await cni.addNetworkList(list, rt);
      if (version < '0.4.0') {
        await expect(cni.checkNetworkList(list, rt)).rejects.toMatchObject({ code: 'CHECK_NOT_SUPPORTED' });
      } else {
        await cni.checkNetworkList(list, rt);
      }
      await cni.getStatusNetworkList(list);
      await cni.gcNetworkList(list, { validAttachments: [] });
      const commands = (await readNoopLog(debugFile)).map((e) => e.command);
      expect(commands.filter((c) => c === 'CHECK')).toHaveLength(version >= '0.4.0' ? 2 : 0);
      expect(commands.filter((c) => c === 'STATUS')).toHaveLength(version >= '1.1.0' ? 2 : 0);
      // GC first DELs the stale cached attachment (at any version), then sends GC from 1.1.0.
      expect(commands.filter((c) => c === 'DEL')).toHaveLength(2);
      expect(commands.filter((c) => c === 'GC')).toHaveLength(version >= '1.1.0' ? 2 : 0);
    });
  }
});

describe('what plugins receive', () => {
  it('injects name and cniVersion, and runtimeConfig only into plugins that declare the capability', async () => {
    const list = noopList('1.0.0');
    await cni.addNetworkList(list, { ...rt, capabilityArgs: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], bandwidth: { ingressRate: 1 } } });
    const [first, second] = (await readNoopLog(debugFile)).map(stdinOf);
    expect(first).toMatchObject({ name: 'chain', cniVersion: '1.0.0' });
    expect(first!['runtimeConfig']).toBeUndefined();
    expect(second!['runtimeConfig']).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
  });

  it('sets the CNI variables from the runtime conf', async () => {
    await cni.addNetworkList(noopList('1.0.0', {}, 1), rt);
    const [entry] = await readNoopLog(debugFile);
    expect(entry!.env).toMatchObject({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c0ffee', CNI_NETNS: rt.netns, CNI_IFNAME: 'eth0', CNI_ARGS: 'K8S_POD_NAME=web', CNI_PATH: FIXTURE_PLUGIN_DIR });
  });

  it('sends GC the valid attachments under both spec keys', async () => {
    await cni.gcNetworkList(noopList('1.1.0', {}, 1), { validAttachments: [{ containerId: 'keep', ifName: 'eth0' }] });
    const [gc] = (await readNoopLog(debugFile)).map(stdinOf);
    expect(gc!['cni.dev/valid-attachments']).toEqual([{ containerID: 'keep', ifname: 'eth0' }]);
    expect(gc!['cni.dev/attachments']).toEqual([{ containerID: 'keep', ifname: 'eth0' }]);
  });

  it('skips CHECK and GC when the list disables them', async () => {
    const list = noopList('1.1.0', { disableCheck: true, disableGC: 'true' });
    await cni.addNetworkList(list, rt);
    await cni.checkNetworkList(list, rt);
    await cni.gcNetworkList(list);
    expect((await readNoopLog(debugFile)).map((e) => e.command)).toEqual(['ADD', 'ADD']);
  });
});

describe('the result cache', () => {
  it('writes a libcni cniCacheV1 record, 0600 in a 0700 dir, and removes it after DEL', async () => {
    const list = noopList('1.0.0');
    await cni.addNetworkList(list, rt);
    const file = join(dir, 'cache', 'results', 'chain-c0ffee-eth0');
    const record = JSON.parse(await readFile(file, 'utf8'));
    expect(record).toMatchObject({ kind: 'cniCacheV1', containerId: 'c0ffee', ifName: 'eth0', networkName: 'chain', netns: rt.netns, cniArgs: [['K8S_POD_NAME', 'web']] });
    expect(Buffer.from(record.config, 'base64').toString()).toBe(list.bytes);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cache', 'results'))).mode & 0o777).toBe(0o700);
    expect(await cni.getCachedAttachments('c0ffee')).toHaveLength(1);
    await cni.delNetworkList(list, rt);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
  });

  it('tolerates a corrupt cache entry on DEL: removes it and goes on without prevResult', async () => {
    const list = noopList('1.0.0');
    await cni.addNetworkList(list, rt);
    await writeFile(join(dir, 'cache', 'results', 'chain-c0ffee-eth0'), '');
    await cni.delNetworkList(list, rt);
    const dels = (await readNoopLog(debugFile)).filter((e) => e.command === 'DEL').map(stdinOf);
    expect(dels.map((s) => s['prevResult'])).toEqual([undefined, undefined]);
  });

  it('refuses a corrupt cache entry on CHECK', async () => {
    const list = noopList('1.0.0');
    await cni.addNetworkList(list, rt);
    await writeFile(join(dir, 'cache', 'results', 'chain-c0ffee-eth0'), '{"kind":"cniCacheV1","config');
    await expect(cni.checkNetworkList(list, rt)).rejects.toMatchObject({ code: 'CACHE_INVALID' });
  });

  it('writes no cache when a chain fails', async () => {
    await control({ ADD: { errorCode: 7, errorMsg: 'bad config' } });
    await expect(cni.addNetworkList(noopList('1.0.0'), rt)).rejects.toMatchObject({ code: 'INVALID_NETWORK_CONFIG' });
    expect(await cni.getCachedAttachments()).toEqual([]);
  });
});

describe('bad plugin behaviour', () => {
  it('accepts a result of another version as libcni does and returns it unconverted', async () => {
    await control({ ADD: { result: { cniVersion: '0.4.0', ips: [{ version: '4', address: '10.1.2.3/24' }] } } });
    await expect(cni.addNetworkList(noopList('1.0.0'), rt)).resolves.toMatchObject({ cniVersion: '0.4.0', ips: [{ version: '4', address: '10.1.2.3/24' }] });
  });

  it('refuses garbage output with PLUGIN_OUTPUT_INVALID naming the plugin', async () => {
    await control({ ADD: { stdout: 'this is not json' } });
    await expect(cni.addNetworkList(noopList('1.0.0'), rt)).rejects.toMatchObject({ code: 'PLUGIN_OUTPUT_INVALID', message: expect.stringContaining('type="noop"') });
  });

  it('stops the chain at the first failure, keeping the plugin code', async () => {
    await control({ ADD: { errorCode: 11, errorMsg: 'try later' } });
    await expect(cni.addNetworkList(noopList('1.0.0'), rt)).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER', details: { pluginCode: 11, network: 'chain' } });
    expect(await readNoopLog(debugFile)).toHaveLength(1);
  });

  it('times out a hanging plugin with PLUGIN_TIMEOUT', async () => {
    const fast = createCniConfig({ pluginDirs: [FIXTURE_PLUGIN_DIR], cacheDir: join(dir, 'cache'), timeoutMs: 300, killGraceMs: 100 });
    await control({ ADD: { sleepMs: 30_000 } });
    await expect(fast.addNetworkList(noopList('1.0.0', {}, 1), rt)).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT', message: expect.stringContaining('type="noop"') });
  });

  it('refuses a type that is a path before running anything', async () => {
    const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'evil', plugins: [{ type: '../x' }] }));
    await expect(cni.addNetworkList(list, rt)).rejects.toMatchObject({ code: 'PLUGIN_TYPE_INVALID', message: expect.stringContaining('"../x"') });
  });

  it('reports a missing plugin with the dirs it searched', async () => {
    const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'n', plugins: [{ type: 'nope' }] }));
    await expect(cni.addNetworkList(list, rt)).rejects.toMatchObject({ code: 'PLUGIN_NOT_FOUND', message: expect.stringContaining(FIXTURE_PLUGIN_DIR) });
  });

  it('validates identifiers before ADD', async () => {
    await expect(cni.addNetworkList(noopList('1.0.0'), { ...rt, ifName: 'x'.repeat(16) })).rejects.toMatchObject({ code: 'INTERFACE_NAME_INVALID' });
    await expect(cni.addNetworkList(noopList('1.0.0'), { ...rt, containerId: '' })).rejects.toMatchObject({ code: 'CONTAINER_ID_INVALID' });
  });
});

describe('versions', () => {
  it('reads VERSION answers, with libcni fallback for plugins that predate VERSION', async () => {
    expect((await cni.getVersionInfo('noop')).supportedVersions).toContain('1.1.0');
    expect((await cni.getVersionInfo('noop-legacy')).supportedVersions).toEqual(['0.1.0']);
  });

  it('validates a list against its plugins, naming the versions when they disagree', async () => {
    // VERSION's stdin carries no debugFile, so the noop is steered through its environment.
    cni = createCniConfig({ pluginDirs: [FIXTURE_PLUGIN_DIR], cacheDir: join(dir, 'cache'), baseEnv: { ...process.env, NOOP_DEBUG: debugFile } });
    await control({ supportedVersions: ['0.3.1'] });
    await expect(cni.validateNetworkList(noopList('1.0.0'))).rejects.toMatchObject({
      errors: [expect.objectContaining({ code: 'VERSION_INCOMPATIBLE', message: expect.stringContaining('0.3.1') }), expect.anything()],
    });
    await control({});
    expect(await cni.validateNetworkList(noopList('1.0.0'))).toEqual(['portMappings']);
  });
});
