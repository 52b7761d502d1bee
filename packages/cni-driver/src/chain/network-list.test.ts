/**
 * ADD, CHECK, DEL, GC, STATUS and version checks of a network config list, run against a fake
 * executor (plugins that answer without running) and a real result cache in a temp dir.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseNetworkConfigList, type CniResult, type NetworkConfigList } from '@multinet/cni-types';
import { countSyncs } from '../../../../test/support/fsync-counter.ts';
import { buildCachePath, readCachedResult, writeCachedResult } from '../cache/result-cache.ts';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from '../invoke/plugin-executor.ts';
import type { Logger } from '../internal/logger.ts';
import { addNetworkList } from './add-network-list.ts';
import type { ChainContext, RuntimeConf } from './chain-context.ts';
import { checkNetworkList } from './check-network-list.ts';
import { delNetworkList } from './del-network-list.ts';
import { gcNetworkList } from './gc-network-list.ts';
import { getStatusNetworkList } from './status-network-list.ts';
import { getVersionInfo, validateNetworkList } from './version-info.ts';
import { createCniConfig, type CniConfig, type CniConfigOptions } from './cni-config.ts';

/** One plugin call the fake executor saw. */
interface FakeCall {
  readonly type: string;
  readonly command: string;
  /** The stdin, parsed. */
  readonly conf: Record<string, any>;
  readonly request: PluginExecRequest;
}

/** What a fake plugin answers: its stdout, or an exit code with a CNI error. */
type FakeAnswer = { readonly stdout?: string; readonly exitCode?: number } | undefined;

/** An executor whose plugins answer through `reply` (default: a result naming the plugin on ADD). */
function createFakeExecutor(reply: (call: FakeCall) => FakeAnswer = defaultReply): PluginExecutor & { readonly calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  return {
    calls,
    async execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
      const call: FakeCall = { type: basename(request.path), command: request.env['CNI_COMMAND'] ?? '', conf: JSON.parse(request.stdin), request };
      calls.push(call);
      const answer = reply(call) ?? defaultReply(call);
      return { exitCode: answer?.exitCode ?? 0, signal: null, stdout: answer?.stdout ?? '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
    },
  };
}

/** On ADD a result of the list's version whose interface is named after the plugin; otherwise nothing. */
function defaultReply(call: FakeCall): FakeAnswer {
  if (call.command !== 'ADD') return { stdout: '' };
  const cniVersion = String(call.conf['cniVersion']);
  if (cniVersion < '0.3.0') return { stdout: JSON.stringify({ cniVersion, ip4: { ip: '10.0.0.2/24' } }) };
  const version = cniVersion < '1.0.0' ? { version: '4' } : {};
  return { stdout: JSON.stringify({ cniVersion, interfaces: [{ name: call.type }], ips: [{ ...version, address: '10.0.0.2/24', interface: 0 }] }) };
}

/** A CNI error answer (exit 1, the error JSON on stdout). */
const failWith = (code: number, msg: string): FakeAnswer => ({ exitCode: 1, stdout: JSON.stringify({ cniVersion: '1.0.0', code, msg }) });

/** A logger that keeps every warn call. */
function createRecordingLogger(): Logger & { readonly warnings: Array<{ obj: Record<string, unknown>; msg: string | undefined }> } {
  const warnings: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
  const logger = {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    warn: (obj: object, msg?: string) => {
      warnings.push({ obj: obj as Record<string, unknown>, msg });
    },
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

/** Makes empty "plugin binaries" (a lookup only checks for a regular file) in `dir`/bin. */
async function makePluginDir(dir: string, types: readonly string[]): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const type of types) await writeFile(join(bin, type), '');
  return bin;
}

/** A chain context over the fake executor, the plugin dir and a cache dir under `dir`. */
function fakeContext(dir: string, executor: PluginExecutor, logger: Logger, extra: Partial<ChainContext> = {}): ChainContext {
  return {
    executor,
    pluginDirs: [join(dir, 'bin')],
    cacheDir: join(dir, 'cache'),
    timeoutMs: 5_000,
    killGraceMs: 100,
    maxOutputBytes: 65_536,
    baseEnv: { PATH: '/usr/bin:/bin', FROM_BASE: 'yes' },
    logger,
    ...extra,
  };
}

let dir: string;
let logger: ReturnType<typeof createRecordingLogger>;
const rt: RuntimeConf = { containerId: 'c0ffee', netns: '/var/run/netns/pod', ifName: 'eth0', args: [['K8S_POD_NAME', 'web']] };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-network-list-'));
  await makePluginDir(dir, ['first', 'second', 'third']);
  logger = createRecordingLogger();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** A list named `name` of the given plugin types; `second` declares the portMappings capability. */
function chain(cniVersion: string, types: readonly string[] = ['first', 'second'], extra: Record<string, unknown> = {}, name = 'net'): NetworkConfigList {
  return parseNetworkConfigList(
    JSON.stringify({ cniVersion, name, plugins: types.map((type) => ({ type, ...(type === 'second' ? { capabilities: { portMappings: true } } : {}) })), ...extra }),
  );
}

const cachePath = (network = 'net', containerId = rt.containerId, ifName = rt.ifName) => buildCachePath(join(dir, 'cache'), network, containerId, ifName);
const commands = (calls: readonly FakeCall[]) => calls.map((c) => `${c.command}:${c.type}`);
const resultNamed = (name: string, cniVersion = '1.0.0'): CniResult =>
  ({ cniVersion, interfaces: [{ name }], ips: [{ address: '10.0.0.9/24', interface: 0, ...(cniVersion < '1.0.0' ? { version: '4' } : {}) }] }) as unknown as CniResult;

describe('addNetworkList', () => {
  it('runs ADD on each plugin in order, each getting the previous result as prevResult, and returns the last result', async () => {
    const executor = createFakeExecutor();
    const result = await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt);
    expect(commands(executor.calls)).toEqual(['ADD:first', 'ADD:second']);
    expect(executor.calls[0]!.conf).toEqual({ cniVersion: '1.0.0', name: 'net', type: 'first' });
    expect(executor.calls[1]!.conf['prevResult']).toEqual({ cniVersion: '1.0.0', interfaces: [{ name: 'first' }], ips: [{ address: '10.0.0.2/24', interface: 0 }], dns: {} });
    expect(result).toMatchObject({ cniVersion: '1.0.0', interfaces: [{ name: 'second' }] });
  });

  it('runs each plugin with the runtime conf as CNI variables on top of the base env', async () => {
    const executor = createFakeExecutor();
    await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0', ['first']), rt);
    expect(executor.calls[0]!.request.env).toEqual({
      PATH: '/usr/bin:/bin',
      FROM_BASE: 'yes',
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c0ffee',
      CNI_NETNS: '/var/run/netns/pod',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'K8S_POD_NAME=web',
      CNI_PATH: join(dir, 'bin'),
    });
    expect(executor.calls[0]!.request.path).toBe(join(dir, 'bin', 'first'));
  });

  it('passes the context limits, fence descriptor and signal to every plugin run', async () => {
    const executor = createFakeExecutor();
    const signal = new AbortController().signal;
    await addNetworkList(fakeContext(dir, executor, logger, { timeoutMs: 1234, killGraceMs: 56, maxOutputBytes: 789, fenceFd: 42, signal }), chain('1.0.0', ['first']), rt);
    expect(executor.calls[0]!.request).toMatchObject({ timeoutMs: 1234, killGraceMs: 56, maxOutputBytes: 789, fenceFd: 42, signal });
  });

  it('runs a plugin from the path the caller already knows, without a lookup', async () => {
    const executor = createFakeExecutor();
    const known = join(dir, 'elsewhere', 'first');
    await addNetworkList(fakeContext(dir, executor, logger, { knownPluginPath: (type) => (type === 'first' ? known : undefined) }), chain('1.0.0'), rt);
    expect(executor.calls.map((c) => c.request.path)).toEqual([known, join(dir, 'bin', 'second')]);
  });

  it('gives runtimeConfig only to the plugin that declares the capability', async () => {
    const executor = createFakeExecutor();
    await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), { ...rt, capabilityArgs: { portMappings: [{ hostPort: 8080 }] } });
    expect(executor.calls[0]!.conf).not.toHaveProperty('runtimeConfig');
    expect(executor.calls[1]!.conf['runtimeConfig']).toEqual({ portMappings: [{ hostPort: 8080 }] });
  });

  it('decodes a result without cniVersion by the list version, and hands on a result of another version unconverted', async () => {
    const executor = createFakeExecutor((call) =>
      call.type === 'first'
        ? { stdout: JSON.stringify({ ips: [{ address: '10.0.0.2/24' }] }) }
        : { stdout: JSON.stringify({ cniVersion: '0.4.0', ips: [{ version: '4', address: '10.0.0.3/24' }] }) },
    );
    const result = await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt);
    expect(executor.calls[1]!.conf['prevResult']).toEqual({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }], dns: {} });
    expect(result).toMatchObject({ cniVersion: '0.4.0', ips: [{ version: '4', address: '10.0.0.3/24' }] });
  });

  it('fails with PLUGIN_OUTPUT_INVALID when a plugin exits 0 on ADD without a result, running no later plugin and writing no cache', async () => {
    const executor = createFakeExecutor(() => ({ stdout: '' }));
    const error = await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PLUGIN_OUTPUT_INVALID',
      message: 'plugin type="first" network="net" exited 0 on ADD without printing a result',
      details: { plugin: 'first', network: 'net', ifName: 'eth0', command: 'ADD' },
    });
    expect(executor.calls).toHaveLength(1);
    await expect(readdir(join(dir, 'cache', 'results'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with RESULT_INVALID naming the plugin when a result does not fit its version', async () => {
    const executor = createFakeExecutor(() => ({ stdout: JSON.stringify({ cniVersion: '1.0.0', ips: 'not a list' }) }));
    const error = await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RESULT_INVALID', message: expect.stringContaining('plugin type="first"') });
    expect(executor.calls).toHaveLength(1);
  });

  it('stops at the first plugin error, keeping its code', async () => {
    const executor = createFakeExecutor((call) => (call.type === 'first' ? failWith(11, 'later') : undefined));
    await expect(addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt)).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER' });
    expect(commands(executor.calls)).toEqual(['ADD:first']);
  });

  it.each([
    ['CONTAINER_ID_INVALID', chain('1.0.0'), { ...rt, containerId: '' }],
    ['NETWORK_NAME_INVALID', chain('1.0.0', ['first'], {}, 'bad name'), rt],
    ['INTERFACE_NAME_INVALID', chain('1.0.0'), { ...rt, ifName: 'x'.repeat(16) }],
  ] as const)('refuses with %s before any plugin runs', async (code, list, conf) => {
    const executor = createFakeExecutor();
    await expect(addNetworkList(fakeContext(dir, executor, logger), list, conf)).rejects.toMatchObject({ code });
    expect(executor.calls).toEqual([]);
  });

  it('writes the libcni cache record after success: the config bytes, the runtime conf and the last result', async () => {
    const executor = createFakeExecutor();
    const list = chain('1.0.0');
    const conf: RuntimeConf = { ...rt, capabilityArgs: { portMappings: [{ hostPort: 80 }] } };
    const result = await addNetworkList(fakeContext(dir, executor, logger), list, conf);
    const cached = await readCachedResult(join(dir, 'cache'), 'net', rt.containerId, rt.ifName);
    expect(cached?.kind).toBe('v1');
    if (cached?.kind !== 'v1') return;
    expect(cached.configText).toBe(list.bytes);
    expect(cached.record).toMatchObject({
      containerId: 'c0ffee',
      ifName: 'eth0',
      networkName: 'net',
      netns: '/var/run/netns/pod',
      cniArgs: [['K8S_POD_NAME', 'web']],
      capabilityArgs: { portMappings: [{ hostPort: 80 }] },
    });
    expect(cached.record.result).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('writes no cache file when the context turns the cache off, and still returns the result', async () => {
    const executor = createFakeExecutor();
    const result = await addNetworkList(fakeContext(dir, executor, logger, { writeResultCache: false }), chain('1.0.0'), rt);
    expect(result).toMatchObject({ interfaces: [{ name: 'second' }] });
    await expect(readdir(join(dir, 'cache', 'results'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('makes the cache file while the plugins run, not after them: a temp file is there before the last plugin answers', async () => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    const seenDuringLastPlugin: string[] = [];
    const executor: PluginExecutor = {
      async execPlugin(request) {
        if (basename(request.path) === 'second') {
          // The temp file is made off the main thread: wait (bounded) until it shows.
          for (let tries = 0; tries < 500 && seenDuringLastPlugin.length === 0; tries++) {
            seenDuringLastPlugin.push(...(await readdir(join(dir, 'cache', 'results'))));
            if (seenDuringLastPlugin.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
          }
        }
        return createFakeExecutor().execPlugin(request);
      },
    };
    await addNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt);
    expect(seenDuringLastPlugin).toEqual([expect.stringMatching(/^\.net-c0ffee-eth0\.[0-9a-f]+\.tmp$/)]);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([basename(cachePath())]);
  });

  it.each([
    ['a plugin error', failWith(11, 'later')],
    ['an answer that is no result', { stdout: '{"cniVersion":"1.0.0","ips":"no"}' }],
  ] as const)('leaves no cache file and no temp file after %s', async (_, answer) => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    await expect(addNetworkList(fakeContext(dir, createFakeExecutor(() => answer), logger), chain('1.0.0'), rt)).rejects.toBeDefined();
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
  });

  it('fsyncs the cache write by default and not when cacheFsync is false', async () => {
    const syncs = await countSyncs(dir);
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger, { cacheFsync: false }), chain('1.0.0'), rt);
    expect(syncs.count).toBe(0);
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), chain('1.0.0'), { ...rt, ifName: 'eth1' });
    expect(syncs.count).toBeGreaterThan(0);
  });
});

describe('checkNetworkList', () => {
  it.each(['0.1.0', '0.2.0', '0.3.0', '0.3.1'])('refuses CHECK of a %s list with CHECK_NOT_SUPPORTED, running nothing', async (version) => {
    const executor = createFakeExecutor();
    const error = await checkNetworkList(fakeContext(dir, executor, logger), chain(version), rt).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CHECK_NOT_SUPPORTED',
      message: `configuration version "${version}" of network "net" does not support the CHECK command`,
      details: { network: 'net', command: 'CHECK' },
    });
    expect(executor.calls).toEqual([]);
  });

  it('runs CHECK on each plugin in order from 0.4.0, with the cached result converted to the list version as prevResult', async () => {
    const ctx = fakeContext(dir, createFakeExecutor(), logger);
    await addNetworkList(ctx, chain('0.4.0'), rt);
    const executor = createFakeExecutor();
    await checkNetworkList(fakeContext(dir, executor, logger), chain('0.4.0'), { ...rt, capabilityArgs: { portMappings: [{ hostPort: 1 }] } });
    expect(commands(executor.calls)).toEqual(['CHECK:first', 'CHECK:second']);
    expect(executor.calls[0]!.conf['prevResult']).toMatchObject({ cniVersion: '0.4.0', interfaces: [{ name: 'second' }] });
    expect(executor.calls[1]!.conf['runtimeConfig']).toEqual({ portMappings: [{ hostPort: 1 }] });
    expect(executor.calls[0]!.request.env).toMatchObject({ CNI_COMMAND: 'CHECK', CNI_CONTAINERID: 'c0ffee', CNI_IFNAME: 'eth0', CNI_NETNS: rt.netns });
  });

  it('sends CHECK without prevResult when nothing is cached', async () => {
    const executor = createFakeExecutor();
    await checkNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt);
    expect(executor.calls.map((c) => 'prevResult' in c.conf)).toEqual([false, false]);
  });

  it('uses the prevResult the caller keeps instead of the cache, which is then not read', async () => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    await writeFile(cachePath(), '{"kind":"cniCacheV1","conf');
    const executor = createFakeExecutor();
    await checkNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt, { prevResult: resultNamed('kept') });
    expect(executor.calls.map((c) => c.conf['prevResult']?.interfaces[0].name)).toEqual(['kept', 'kept']);
  });

  it('falls back to the cache when the caller has no prevResult, refusing a corrupt entry with CACHE_INVALID', async () => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    await writeFile(cachePath(), '{"kind":"cniCacheV1","conf');
    const executor = createFakeExecutor();
    await expect(checkNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt, {})).rejects.toMatchObject({ code: 'CACHE_INVALID' });
    expect(executor.calls).toEqual([]);
  });

  it('does nothing when the list disables CHECK, not even read the cache', async () => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    await writeFile(cachePath(), '{"kind":"cniCacheV1","conf');
    const executor = createFakeExecutor();
    await checkNetworkList(fakeContext(dir, executor, logger), chain('1.0.0', ['first'], { disableCheck: true }), rt);
    expect(executor.calls).toEqual([]);
  });

  it('stops at the first failing plugin with its code', async () => {
    const executor = createFakeExecutor((call) => (call.type === 'first' ? failWith(7, 'bad') : undefined));
    await expect(checkNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt)).rejects.toMatchObject({ code: 'INVALID_NETWORK_CONFIG' });
    expect(executor.calls).toHaveLength(1);
  });
});

describe('delNetworkList', () => {
  it('runs DEL on the plugins in reverse with the cached result converted to the list version, then removes the cache', async () => {
    const list = chain('1.0.0');
    await addNetworkList(fakeContext(dir, createFakeExecutor((call) => (call.type === 'second' ? { stdout: JSON.stringify(resultNamed('old', '0.4.0')) } : undefined)), logger), list, rt);
    const executor = createFakeExecutor();
    await delNetworkList(fakeContext(dir, executor, logger), list, rt);
    expect(commands(executor.calls)).toEqual(['DEL:second', 'DEL:first']);
    expect(executor.calls[0]!.conf['prevResult']).toEqual({ cniVersion: '1.0.0', interfaces: [{ name: 'old' }], ips: [{ interface: 0, address: '10.0.0.9/24' }], dns: {} });
    expect(executor.calls[0]!.request.env).toMatchObject({ CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c0ffee', CNI_IFNAME: 'eth0', CNI_NETNS: rt.netns, CNI_ARGS: 'K8S_POD_NAME=web' });
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
    expect(logger.warnings).toEqual([]);
  });

  it('sends no prevResult below 0.4.0 and does not ask the caller for one, but still removes the cache', async () => {
    const list = chain('0.3.1');
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, rt);
    const executor = createFakeExecutor();
    const readKnownResult = vi.fn(async () => ({ prevResult: resultNamed('known') }));
    await delNetworkList(fakeContext(dir, executor, logger, { readKnownResult }), list, rt);
    expect(readKnownResult).not.toHaveBeenCalled();
    expect(executor.calls.map((c) => 'prevResult' in c.conf)).toEqual([false, false]);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
  });

  it('takes the prevResult the caller keeps over the cache, converted to the list version', async () => {
    const list = chain('0.4.0');
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, rt);
    const executor = createFakeExecutor();
    const readKnownResult = vi.fn(async () => ({ prevResult: resultNamed('known', '1.0.0') }));
    await delNetworkList(fakeContext(dir, executor, logger, { readKnownResult }), list, rt);
    expect(readKnownResult).toHaveBeenCalledWith(list, rt);
    expect(executor.calls[0]!.conf['prevResult']).toMatchObject({ cniVersion: '0.4.0', interfaces: [{ name: 'known' }], ips: [{ version: '4', address: '10.0.0.9/24' }] });
  });

  it('sends no prevResult when the caller knows the attachment but ADD left no result, even with a cache entry', async () => {
    const list = chain('1.0.0');
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, rt);
    const executor = createFakeExecutor();
    await delNetworkList(fakeContext(dir, executor, logger, { readKnownResult: async () => ({}) }), list, rt);
    expect(executor.calls.map((c) => 'prevResult' in c.conf)).toEqual([false, false]);
  });

  it('reads the cache when the caller does not know the attachment', async () => {
    const list = chain('1.0.0');
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, rt);
    const executor = createFakeExecutor();
    await delNetworkList(fakeContext(dir, executor, logger, { readKnownResult: async () => undefined }), list, rt);
    expect(executor.calls[0]!.conf['prevResult']).toMatchObject({ interfaces: [{ name: 'second' }] });
  });

  it('goes on without a prevResult the caller keeps that cannot be converted, with a warning', async () => {
    const executor = createFakeExecutor();
    const bad = { cniVersion: '9.9.9', ips: [] } as unknown as CniResult;
    await delNetworkList(fakeContext(dir, executor, logger, { readKnownResult: async () => ({ prevResult: bad }) }), chain('1.0.0'), rt);
    expect(executor.calls.map((c) => 'prevResult' in c.conf)).toEqual([false, false]);
    expect(logger.warnings).toEqual([
      { obj: { network: 'net', ifName: 'eth0', err: expect.objectContaining({ code: 'VERSION_UNSUPPORTED' }) }, msg: 'DEL goes on without a prevResult that cannot be converted' },
    ]);
  });

  it('does not swallow an error that is not a CniError while converting the known prevResult', async () => {
    const executor = createFakeExecutor();
    const hostile = {
      get cniVersion(): string {
        throw new RangeError('boom');
      },
    } as unknown as CniResult;
    await expect(delNetworkList(fakeContext(dir, executor, logger, { readKnownResult: async () => ({ prevResult: hostile }) }), chain('1.0.0'), rt)).rejects.toThrow(RangeError);
    expect(executor.calls).toEqual([]);
  });

  it('removes a corrupt cache entry with a warning and goes on without prevResult, also when DEL then fails', async () => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    await writeFile(cachePath(), '{"kind":"cniCacheV1","conf');
    const executor = createFakeExecutor((call) => (call.type === 'second' ? failWith(11, 'busy') : undefined));
    await expect(delNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt)).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER' });
    expect(executor.calls.map((c) => 'prevResult' in c.conf)).toEqual([false]);
    expect(logger.warnings).toEqual([
      { obj: { network: 'net', ifName: 'eth0', err: expect.objectContaining({ code: 'CACHE_INVALID' }) }, msg: 'ignoring a corrupt result cache entry on DEL' },
    ]);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
  });

  it('keeps the cache entry when a plugin fails, so a retry gets the same prevResult, and stops at that plugin', async () => {
    const list = chain('1.0.0');
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, rt);
    const executor = createFakeExecutor((call) => (call.type === 'second' ? failWith(11, 'busy') : undefined));
    await expect(delNetworkList(fakeContext(dir, executor, logger), list, rt)).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER' });
    expect(commands(executor.calls)).toEqual(['DEL:second']);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([basename(cachePath())]);
  });

  it('removes a cache file an earlier version wrote also when the context writes no cache', async () => {
    const list = chain('1.0.0');
    await addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, rt);
    await delNetworkList(fakeContext(dir, createFakeExecutor(), logger, { writeResultCache: false }), list, rt);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
  });

  it('succeeds with nothing cached and no cache dir at all', async () => {
    const executor = createFakeExecutor();
    await delNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'), rt);
    expect(commands(executor.calls)).toEqual(['DEL:second', 'DEL:first']);
  });
});

describe('gcNetworkList', () => {
  /** ADDs `list` for a container, through the fake executor. */
  const attach = (list: NetworkConfigList, containerId: string, extra: Partial<RuntimeConf> = {}) =>
    addNetworkList(fakeContext(dir, createFakeExecutor(), logger), list, { ...rt, containerId, ...extra });

  it('DELs each stale cached attachment of the network with its ADD-time config and runtime conf, then sends GC', async () => {
    await attach(chain('1.1.0', ['first', 'second']), 'stale', { netns: '/var/run/netns/stale', args: [['A', 'b']], capabilityArgs: { portMappings: [{ hostPort: 9 }] } });
    await attach(chain('1.1.0', ['first', 'second']), 'keep');
    await attach(chain('1.1.0', ['first'], {}, 'other'), 'stale');
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['third']), { validAttachments: [{ containerId: 'keep', ifName: 'eth0' }] });
    expect(commands(executor.calls)).toEqual(['DEL:second', 'DEL:first', 'GC:third']);
    expect(executor.calls[0]!.request.env).toMatchObject({ CNI_CONTAINERID: 'stale', CNI_NETNS: '/var/run/netns/stale', CNI_IFNAME: 'eth0', CNI_ARGS: 'A=b' });
    expect(executor.calls[0]!.conf['runtimeConfig']).toEqual({ portMappings: [{ hostPort: 9 }] });
    expect(executor.calls[0]!.conf['prevResult']).toMatchObject({ interfaces: [{ name: 'second' }] });
    expect((await readdir(join(dir, 'cache', 'results'))).sort()).toEqual(['net-keep-eth0', 'other-stale-eth0']);
  });

  it('sends GC to every plugin with the valid attachments under both keys, in Go map order, with no runtime conf', async () => {
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first', 'third']), { validAttachments: [{ containerId: 'keep', ifName: 'net1' }] });
    expect(commands(executor.calls)).toEqual(['GC:first', 'GC:third']);
    expect(executor.calls[0]!.request.stdin).toBe(
      '{"cni.dev/attachments":[{"containerID":"keep","ifname":"net1"}],"cni.dev/valid-attachments":[{"containerID":"keep","ifname":"net1"}],"cniVersion":"1.1.0","name":"net","type":"first"}',
    );
    expect(executor.calls[0]!.request.env).toMatchObject({ CNI_COMMAND: 'GC', CNI_CONTAINERID: '', CNI_NETNS: '', CNI_IFNAME: '', CNI_ARGS: '' });
  });

  it('without valid attachments takes every cached attachment of the network as stale and sends GC without the keys', async () => {
    await attach(chain('1.1.0', ['first']), 'a');
    await attach(chain('1.1.0', ['first']), 'b', { netns: '' });
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first']));
    expect(commands(executor.calls)).toEqual(['DEL:first', 'DEL:first', 'GC:first']);
    expect(executor.calls.map((c) => c.request.env['CNI_CONTAINERID'])).toEqual(['a', 'b', '']);
    expect(executor.calls[1]!.request.env['CNI_NETNS']).toBe('');
    expect(executor.calls[2]!.conf).toEqual({ cniVersion: '1.1.0', name: 'net', type: 'first' });
  });

  it('takes every cached attachment as stale when the valid set is empty', async () => {
    await attach(chain('1.1.0', ['first']), 'a');
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first']), { validAttachments: [] });
    expect(commands(executor.calls)).toEqual(['DEL:first', 'GC:first']);
    expect(executor.calls[1]!.conf['cni.dev/valid-attachments']).toEqual([]);
  });

  it('keeps an attachment only when both container ID and interface match a valid one', async () => {
    await attach(chain('1.1.0', ['first']), 'a');
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first']), { validAttachments: [{ containerId: 'a', ifName: 'eth1' }, { containerId: 'b', ifName: 'eth0' }] });
    expect(commands(executor.calls)).toEqual(['DEL:first', 'GC:first']);
  });

  it('DELs with the current config when the cached one cannot be parsed', async () => {
    await writeCachedResult(join(dir, 'cache'), { containerId: 'old', configText: 'not json', ifName: 'eth0', networkName: 'net', netns: '/ns' }, { fsync: false });
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.0.0', ['third']));
    expect(commands(executor.calls)).toEqual(['DEL:third']);
  });

  it('below 1.1.0 only DELs stale attachments and sends no GC', async () => {
    await attach(chain('1.0.0', ['first']), 'a');
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.0.0', ['first']), { validAttachments: [] });
    expect(commands(executor.calls)).toEqual(['DEL:first']);
  });

  it('does nothing when the list disables GC', async () => {
    await attach(chain('1.1.0', ['first']), 'a');
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first'], { disableGC: true }));
    expect(executor.calls).toEqual([]);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual(['net-a-eth0']);
  });

  it('keeps going past failed DELs and GCs and throws them all at the end', async () => {
    await attach(chain('1.1.0', ['first']), 'a');
    await attach(chain('1.1.0', ['first']), 'b');
    const executor = createFakeExecutor((call) =>
      (call.command === 'DEL' && call.request.env['CNI_CONTAINERID'] === 'a') || (call.command === 'GC' && call.type === 'first') ? failWith(11, 'busy') : undefined,
    );
    const error = await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first', 'third'])).catch((e: unknown) => e);
    expect(commands(executor.calls)).toEqual(['DEL:first', 'DEL:first', 'GC:first', 'GC:third']);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe('GC of network "net" had 2 failure(s)');
    expect((error as AggregateError).errors).toMatchObject([
      { code: 'TRY_AGAIN_LATER', details: { command: 'DEL' } },
      { code: 'TRY_AGAIN_LATER', details: { command: 'GC' } },
    ]);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual(['net-a-eth0']);
  });

  it('reports a cache file it cannot trust and does not act on it', async () => {
    await attach(chain('1.1.0', ['first']), 'a');
    await chmod(cachePath('net', 'a'), 0o666);
    const executor = createFakeExecutor();
    await gcNetworkList(fakeContext(dir, executor, logger), chain('1.1.0', ['first']));
    expect(commands(executor.calls)).toEqual(['GC:first']);
    expect(logger.warnings).toEqual([{ obj: { file: cachePath('net', 'a'), reason: expect.stringContaining('world-writable') }, msg: 'cache file not trusted; not acted on' }]);
  });
});

describe('getStatusNetworkList', () => {
  it('runs STATUS on each plugin in order from 1.1.0, with the plain conf and no runtime conf', async () => {
    const executor = createFakeExecutor();
    await getStatusNetworkList(fakeContext(dir, executor, logger), chain('1.1.0'));
    expect(commands(executor.calls)).toEqual(['STATUS:first', 'STATUS:second']);
    expect(executor.calls[1]!.request.stdin).toBe('{"capabilities":{"portMappings":true},"cniVersion":"1.1.0","name":"net","type":"second"}');
    expect(executor.calls[0]!.request.env).toMatchObject({ CNI_COMMAND: 'STATUS', CNI_CONTAINERID: '', CNI_IFNAME: '' });
  });

  it('succeeds without running anything below 1.1.0', async () => {
    const executor = createFakeExecutor();
    await getStatusNetworkList(fakeContext(dir, executor, logger), chain('1.0.0'));
    expect(executor.calls).toEqual([]);
  });

  it('stops at the first plugin that is not available', async () => {
    const executor = createFakeExecutor(() => failWith(50, 'not ready'));
    await expect(getStatusNetworkList(fakeContext(dir, executor, logger), chain('1.1.0'))).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
    expect(executor.calls).toHaveLength(1);
  });
});

describe('versions', () => {
  const versions = (byType: Record<string, readonly string[]>) =>
    createFakeExecutor((call) => ({ stdout: JSON.stringify({ cniVersion: '1.1.0', supportedVersions: byType[call.type] ?? [] }) }));

  it('asks a plugin for its versions with VERSION, the base env and the context limits', async () => {
    const executor = versions({ first: ['0.4.0', '1.0.0'] });
    const signal = new AbortController().signal;
    const info = await getVersionInfo(fakeContext(dir, executor, logger, { timeoutMs: 321, killGraceMs: 12, maxOutputBytes: 999, fenceFd: 9, signal }), 'first');
    expect(info.supportedVersions).toEqual(['0.4.0', '1.0.0']);
    expect(executor.calls[0]!.request).toMatchObject({ path: join(dir, 'bin', 'first'), timeoutMs: 321, killGraceMs: 12, maxOutputBytes: 999, fenceFd: 9, signal });
    expect(executor.calls[0]!.request.env).toMatchObject({ CNI_COMMAND: 'VERSION', FROM_BASE: 'yes' });
  });

  it('validates a list whose plugins all support its version (written in any form), returning the enabled capabilities sorted once each', async () => {
    const list = parseNetworkConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'net',
        plugins: [
          { type: 'first', capabilities: { portMappings: true, bandwidth: true } },
          { type: 'second', capabilities: { ips: false, bandwidth: true, aliases: true } },
          { type: 'third' },
        ],
      }),
    );
    const executor = versions({ first: ['0.4.0', '1.0.0'], second: ['garbage', '1.0'], third: ['1.0.0'] });
    expect(await validateNetworkList(fakeContext(dir, executor, logger), list)).toEqual(['aliases', 'bandwidth', 'portMappings']);
    expect(commands(executor.calls)).toEqual(['VERSION:first', 'VERSION:second', 'VERSION:third']);
  });

  it('throws one error per failing plugin, naming the versions, after asking them all', async () => {
    const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'first' }, { type: 'missing' }, { type: 'second' }, { type: 'third' }] }));
    const executor = versions({ first: ['0.3.1', '0.4.0'], second: ['1.0.0'], third: ['1.1.0'] });
    const error = await validateNetworkList(fakeContext(dir, executor, logger), list).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe('network "net" failed validation');
    expect((error as AggregateError).errors).toMatchObject([
      {
        code: 'VERSION_INCOMPATIBLE',
        message: 'plugin type="first" does not support config version "1.0.0" of network "net" (it supports [0.3.1, 0.4.0])',
        details: { plugin: 'first', network: 'net', versions: { wanted: '1.0.0', supported: ['0.3.1', '0.4.0'] } },
      },
      { code: 'PLUGIN_NOT_FOUND' },
      { code: 'VERSION_INCOMPATIBLE', details: { plugin: 'third' } },
    ]);
    expect(commands(executor.calls)).toEqual(['VERSION:first', 'VERSION:second', 'VERSION:third']);
  });
});

describe('createCniConfig', () => {
  const open = (executor: PluginExecutor, extra: Partial<CniConfigOptions> = {}): CniConfig =>
    createCniConfig({ pluginDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache'), executor, baseEnv: { FROM_BASE: 'yes' }, logger, ...extra });

  it.each([
    ['pluginDirs[1]', { pluginDirs: ['/opt/cni/bin', 'relative/bin'] }],
    ['cacheDir', { cacheDir: 'var/lib/cni' }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['killGraceMs', { killGraceMs: -1 }],
    ['maxOutputBytes', { maxOutputBytes: 0 }],
  ] as const)('refuses a bad %s with a TypeError naming it', (option, bad) => {
    expect(() => createCniConfig({ pluginDirs: ['/opt/cni/bin'], executor: createFakeExecutor(), ...bad })).toThrow(TypeError);
    expect(() => createCniConfig({ pluginDirs: ['/opt/cni/bin'], executor: createFakeExecutor(), ...bad })).toThrow(`\`${option}\``);
  });

  it("uses libcni's cache dir and the plugin-call defaults when none are given", async () => {
    const executor = createFakeExecutor();
    const cni = createCniConfig({ pluginDirs: [join(dir, 'bin')], executor });
    expect(cni.context.cacheDir).toBe('/var/lib/cni');
    await cni.getStatusNetworkList(chain('1.1.0', ['first']));
    expect(executor.calls[0]!.request).toMatchObject({ timeoutMs: 60_000, killGraceMs: 2_000, maxOutputBytes: 4 * 1024 * 1024 });
    expect(executor.calls[0]!.request.signal).toBeUndefined();
  });

  it('passes the limits it is given to every plugin call', async () => {
    const executor = createFakeExecutor();
    await open(executor, { timeoutMs: 111, killGraceMs: 22, maxOutputBytes: 333 }).getStatusNetworkList(chain('1.1.0', ['first']));
    expect(executor.calls[0]!.request).toMatchObject({ timeoutMs: 111, killGraceMs: 22, maxOutputBytes: 333 });
  });

  it('adds the CNI variables to a copy of the process env taken at creation, when no base env is given', async () => {
    process.env['MULTINET_CHAIN_TEST'] = 'at-creation';
    try {
      const executor = createFakeExecutor();
      const cni = createCniConfig({ pluginDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache'), executor });
      process.env['MULTINET_CHAIN_TEST'] = 'later';
      await cni.getStatusNetworkList(chain('1.1.0', ['first']));
      expect(executor.calls[0]!.request.env).toMatchObject({ MULTINET_CHAIN_TEST: 'at-creation', PATH: process.env['PATH'], CNI_COMMAND: 'STATUS' });
    } finally {
      delete process.env['MULTINET_CHAIN_TEST'];
    }
  });

  it('keeps its own copy of the plugin dirs', async () => {
    const pluginDirs = [join(dir, 'bin')];
    const executor = createFakeExecutor();
    const cni = createCniConfig({ pluginDirs, cacheDir: join(dir, 'cache'), executor });
    pluginDirs[0] = '/nowhere';
    await cni.getStatusNetworkList(chain('1.1.0', ['first']));
    expect(executor.calls[0]!.request.path).toBe(join(dir, 'bin', 'first'));
  });

  it('fsyncs cache writes unless cacheFsync is false', async () => {
    const syncs = await countSyncs(dir);
    await open(createFakeExecutor(), { cacheFsync: false }).addNetworkList(chain('1.0.0'), rt);
    expect(syncs.count).toBe(0);
    await open(createFakeExecutor()).addNetworkList(chain('1.0.0'), { ...rt, ifName: 'eth1' });
    expect(syncs.count).toBeGreaterThan(0);
  });

  it("hands every call's signal to the plugin runs", async () => {
    const executor = createFakeExecutor((call) => (call.command === 'VERSION' ? { stdout: JSON.stringify({ cniVersion: '1.1.0', supportedVersions: ['1.1.0'] }) } : undefined));
    const cni = open(executor);
    const signal = new AbortController().signal;
    const list = chain('1.1.0', ['first']);
    await cni.addNetworkList(list, rt, { signal });
    await cni.checkNetworkList(list, rt, { signal });
    await cni.delNetworkList(list, rt, { signal });
    await cni.gcNetworkList(list, undefined, { signal });
    await cni.getStatusNetworkList(list, { signal });
    await cni.getVersionInfo('first', { signal });
    await cni.validateNetworkList(list, { signal });
    expect(commands(executor.calls)).toEqual(['ADD:first', 'CHECK:first', 'DEL:first', 'GC:first', 'STATUS:first', 'VERSION:first', 'VERSION:first']);
    expect(executor.calls.every((c) => c.request.signal === signal)).toBe(true);
    await cni.getStatusNetworkList(list, {});
    expect(executor.calls.at(-1)!.request.signal).toBeUndefined();
  });

  it('refuses capability args of the wrong shape on ADD and CHECK before any plugin runs, but not on DEL', async () => {
    const executor = createFakeExecutor();
    const cni = open(executor);
    const bad = { ...rt, capabilityArgs: { portMappings: 'x' } };
    await expect(cni.addNetworkList(chain('1.0.0'), bad)).rejects.toMatchObject({ code: 'CAPABILITY_ARGS_INVALID', details: { containerId: 'c0ffee', ifName: 'eth0' } });
    await expect(cni.checkNetworkList(chain('1.0.0'), bad)).rejects.toMatchObject({ code: 'CAPABILITY_ARGS_INVALID', details: { containerId: 'c0ffee', ifName: 'eth0' } });
    expect(executor.calls).toEqual([]);
    await cni.delNetworkList(chain('1.0.0'), bad);
    expect(commands(executor.calls)).toEqual(['DEL:second', 'DEL:first']);
  });

  it('logs to the logger it is given', async () => {
    await mkdir(join(dir, 'cache', 'results'), { recursive: true });
    await writeFile(cachePath(), 'garbage');
    await open(createFakeExecutor()).delNetworkList(chain('1.0.0'), rt);
    expect(logger.warnings.map((w) => w.msg)).toEqual(['ignoring a corrupt result cache entry on DEL']);
  });

  it('lists cached attachments, all or those of one container', async () => {
    const cni = open(createFakeExecutor());
    await cni.addNetworkList(chain('1.0.0'), rt);
    await cni.addNetworkList(chain('1.0.0'), { ...rt, containerId: 'other' });
    expect((await cni.getCachedAttachments()).map((a) => a.containerId)).toEqual(['c0ffee', 'other']);
    expect(await cni.getCachedAttachments('other')).toMatchObject([{ containerId: 'other', network: 'net', ifName: 'eth0', netns: rt.netns }]);
  });

  it('reads the cached result of an attachment converted to the list version', async () => {
    const cni = open(createFakeExecutor());
    await cni.addNetworkList(chain('1.0.0'), rt);
    expect(await cni.getNetworkListCachedResult(chain('0.4.0'), rt)).toMatchObject({ cniVersion: '0.4.0', interfaces: [{ name: 'second' }], ips: [{ version: '4' }] });
    expect(await cni.getNetworkListCachedResult(chain('1.0.0'), { ...rt, ifName: 'eth9' })).toBeUndefined();
  });

  it('reads the cached config of an attachment with the runtime conf ADD was given', async () => {
    const cni = open(createFakeExecutor());
    const list = chain('1.0.0');
    await cni.addNetworkList(list, { ...rt, capabilityArgs: { portMappings: [{ hostPort: 80 }] } });
    const query: RuntimeConf = { containerId: 'c0ffee', netns: '/other/ns', ifName: 'eth0', args: [['X', 'y']] };
    expect(await cni.getNetworkListCachedConfig(list, query)).toEqual({
      configText: list.bytes,
      rt: { containerId: 'c0ffee', netns: '/other/ns', ifName: 'eth0', args: [['K8S_POD_NAME', 'web']], capabilityArgs: { portMappings: [{ hostPort: 80 }] } },
    });
  });

  it('keeps the caller args when the cached record has none, and has no config for a missing or legacy entry', async () => {
    const cni = open(createFakeExecutor());
    const list = chain('1.0.0');
    await cni.addNetworkList(list, { containerId: 'c0ffee', netns: '/ns', ifName: 'eth0' });
    const query: RuntimeConf = { containerId: 'c0ffee', netns: '/ns', ifName: 'eth0', args: [['X', 'y']] };
    expect((await cni.getNetworkListCachedConfig(list, query))?.rt.args).toEqual([['X', 'y']]);
    expect(await cni.getNetworkListCachedConfig(list, { ...query, ifName: 'eth5' })).toBeUndefined();
    await writeFile(cachePath(), JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] }), { mode: 0o600 });
    expect(await cni.getNetworkListCachedConfig(list, query)).toBeUndefined();
    expect(await cni.getNetworkListCachedResult(list, query)).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] });
  });

  it('has no cached result for a record ADD wrote without one', async () => {
    const cni = open(createFakeExecutor());
    await writeCachedResult(join(dir, 'cache'), { containerId: rt.containerId, configText: chain('1.0.0').bytes, ifName: rt.ifName, networkName: 'net', netns: rt.netns }, { fsync: false });
    expect(await cni.getNetworkListCachedResult(chain('1.0.0'), rt)).toBeUndefined();
  });
});
