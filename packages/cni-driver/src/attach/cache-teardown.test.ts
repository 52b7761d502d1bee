import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCachePath, writeCachedResult } from '../cache/result-cache.ts';
import type { ChainContext } from '../chain/chain-context.ts';
import type { PluginExecRequest } from '../invoke/plugin-executor.ts';
import type { Logger } from '../internal/logger.ts';
import { tearDownFromCache } from './cache-teardown.ts';

let dir: string;
let cacheDir: string;
let dels: string[];
let failing: Map<string, unknown>;
let logs: Array<[string, Record<string, unknown>, string | undefined]>;

const logger: Logger = {
  debug: (obj, msg) => void logs.push(['debug', obj as Record<string, unknown>, msg]),
  info: () => undefined,
  warn: (obj, msg) => void logs.push(['warn', obj as Record<string, unknown>, msg]),
  error: () => undefined,
  child: () => logger,
};
const ok = { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };

const cleanup = (): ChainContext => ({
  executor: {
    async execPlugin(request: PluginExecRequest) {
      const name = String((JSON.parse(request.stdin) as { name: string }).name);
      dels.push(`${request.env['CNI_COMMAND']} ${name} ${request.env['CNI_IFNAME']} ${request.env['CNI_CONTAINERID']} ${request.env['CNI_NETNS']} ${request.env['CNI_ARGS']} ${JSON.stringify((JSON.parse(request.stdin) as { runtimeConfig?: unknown }).runtimeConfig ?? null)}`);
      const failure = failing.get(name);
      if (failure !== null && typeof failure === 'object' && 'msg' in failure) return { ...ok, exitCode: 1, stdout: JSON.stringify({ cniVersion: '1.0.0', code: 100, msg: failure.msg }) };
      if (failure !== undefined) throw failure;
      return ok;
    },
  },
  pluginDirs: [],
  knownPluginPath: (type) => `/fake/${type}`,
  cacheDir,
  timeoutMs: 1_000,
  killGraceMs: 100,
  maxOutputBytes: 1 << 20,
  baseEnv: {},
  logger,
  cacheFsync: false,
});

const cache = (networkName: string, containerId: string, ifName: string, netns: string | null = '/var/run/netns/x'): Promise<void> =>
  writeCachedResult(cacheDir, {
    containerId,
    configText: JSON.stringify({ cniVersion: '1.0.0', name: networkName, plugins: [{ type: 'noop', capabilities: { mac: true } }] }),
    ifName,
    networkName,
    ...(netns === null ? {} : { netns }),
    cniArgs: [['K8S_POD_NAME', 'p']],
    capabilityArgs: { mac: '02:00:00:00:00:01' },
    result: undefined,
  }, { fsync: false });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-cache-teardown-'));
  cacheDir = join(dir, 'cache');
  dels = [];
  failing = new Map();
  logs = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tearDownFromCache', () => {
  it('does nothing, and says so at debug level, without a cache of the sandbox', async () => {
    await cache('alpha', 'other', 'net1');
    await expect(tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1')).resolves.toEqual([]);
    expect(dels).toEqual([]);
    expect(logs).toEqual([['debug', { sandboxId: 'sb1' }, 'no record and no cache for the sandbox; nothing to tear down']]);
  });

  it('DELs every cached attachment of the sandbox in reverse, with its ADD-time config and runtime values, and removes its cache', async () => {
    await cache('alpha', 'sb1', 'net1');
    await cache('beta', 'sb1', 'net2');
    await cache('gamma', 'other', 'net1');
    await expect(tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1')).resolves.toEqual([]);
    expect(dels).toEqual([
      'DEL beta net2 sb1 /var/run/netns/x K8S_POD_NAME=p {"mac":"02:00:00:00:00:01"}',
      'DEL alpha net1 sb1 /var/run/netns/x K8S_POD_NAME=p {"mac":"02:00:00:00:00:01"}',
    ]);
    expect(await readdir(join(cacheDir, 'results'))).toEqual(['gamma-other-net1']);
  });

  it('DELs with an empty netns when the cache names none', async () => {
    await cache('alpha', 'sb1', 'net1', null);
    await tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1');
    expect(dels).toEqual(['DEL alpha net1 sb1  K8S_POD_NAME=p {"mac":"02:00:00:00:00:01"}']);
  });

  it('reports each failed DEL as POD_TEARDOWN_FAILED and goes on with the others', async () => {
    await cache('alpha', 'sb1', 'net1');
    await cache('beta', 'sb1', 'net2');
    await cache('gamma', 'sb1', 'net3');
    failing.set('beta', { msg: 'busy' });
    failing.set('gamma', new Error('spawn broke'));
    failing.set('alpha', 'kaput');
    const errors = await tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1');
    expect(dels).toHaveLength(3);
    expect(errors.map((e) => e.message)).toEqual([
      'DEL of cached network "gamma" (interface net3) failed: spawn broke',
      expect.stringMatching(/^DEL of cached network "beta" \(interface net2\) failed: .*busy/),
      'DEL of cached network "alpha" (interface net1) failed: kaput',
    ]);
    expect(errors[1]).toMatchObject({ code: 'POD_TEARDOWN_FAILED', details: expect.objectContaining({ network: 'beta', ifName: 'net2', containerId: 'sb1' }) });
    expect(errors[1]?.cause).toMatchObject({ code: 'PLUGIN_FAILED' });
    expect(await readdir(join(cacheDir, 'results'))).toEqual(['alpha-sb1-net1', 'beta-sb1-net2', 'gamma-sb1-net3']);
  });

  it('runs nothing for a cache entry with a bad interface name, a bad network name or the host\'s namespace', async () => {
    await cache('alpha', 'sb1', 'a b');
    await cache('_bad', 'sb1', 'net1');
    await cache('gamma', 'sb1', 'net3', '/proc/self/ns/net');
    const errors = await tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1');
    expect(dels).toEqual([]);
    expect(errors.map((e) => (e.cause as { code: string }).code).sort()).toEqual(['INTERFACE_NAME_INVALID', 'NETNS_UNSAFE', 'NETWORK_NAME_INVALID']);
  });

  it('acts on no cache file another user could have written, and warns about it', async () => {
    await cache('alpha', 'sb1', 'net1');
    const file = buildCachePath(cacheDir, 'alpha', 'sb1', 'net1');
    await chmod(file, 0o666);
    await expect(tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1')).resolves.toEqual([]);
    expect(dels).toEqual([]);
    expect(logs).toContainEqual(['warn', { file, reason: expect.any(String) }, 'cache file not trusted; not acted on']);
  });
});

describe('tearDownFromCache with a cached config it cannot read', () => {
  it('reports the config error naming the cache file, and runs nothing for it', async () => {
    await writeCachedResult(cacheDir, {
      containerId: 'sb1',
      configText: JSON.stringify({ cniVersion: '1.0.0', name: 'alpha', plugins: [] }),
      ifName: 'net1',
      networkName: 'alpha',
      netns: '/var/run/netns/x',
      result: undefined,
    }, { fsync: false });
    const errors = await tearDownFromCache({ cleanup: cleanup(), logger }, 'sb1');
    expect(dels).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain(`in ${buildCachePath(cacheDir, 'alpha', 'sb1', 'net1')}`);
  });
});
