/**
 * DEL when reading the cached prevResult fails with something other than a CniError (a fault
 * injected into readCachedPrevResult: its real dependencies only ever throw CniErrors).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { CniError, parseNetworkConfigList } from '@multinet/cni-types';
import { buildCachePath } from '../cache/result-cache.ts';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from '../invoke/plugin-executor.ts';
import type { Logger } from '../internal/logger.ts';
import type { ChainContext, RuntimeConf } from './chain-context.ts';
import { delNetworkList } from './del-network-list.ts';

const fault = vi.hoisted(() => ({ error: undefined as unknown }));

vi.mock('./cached-prev-result.ts', () => ({
  readCachedPrevResult: async () => {
    throw fault.error;
  },
}));

let dir: string;
let calls: string[];
let warnings: string[];
const rt: RuntimeConf = { containerId: 'c0ffee', netns: '/var/run/netns/pod', ifName: 'eth0' };
const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'first' }] }));

function context(): ChainContext {
  const executor: PluginExecutor = {
    async execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
      calls.push(`${request.env['CNI_COMMAND']}:${basename(request.path)}`);
      return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
    },
  };
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_obj, msg) => void warnings.push(String(msg)),
    error: () => undefined,
    child: () => logger,
  };
  return { executor, pluginDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache'), timeoutMs: 60_000, killGraceMs: 100, maxOutputBytes: 65_536, baseEnv: {}, logger };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-del-faults-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'first'), '');
  await mkdir(join(dir, 'cache', 'results'), { recursive: true });
  await writeFile(buildCachePath(join(dir, 'cache'), 'net', rt.containerId, rt.ifName), '{}');
  calls = [];
  warnings = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('delNetworkList when reading the cached prevResult fails', () => {
  it('rethrows an error that is not a CniError, runs no plugin and keeps the cache entry', async () => {
    const error = new Error('injected fault');
    fault.error = error;
    await expect(delNetworkList(context(), list, rt)).rejects.toBe(error);
    expect(calls).toEqual([]);
    expect(warnings).toEqual([]);
    expect(await readdir(join(dir, 'cache', 'results'))).toHaveLength(1);
  });

  it('takes a CniError as a corrupt entry: warns, removes it and runs DEL without a prevResult', async () => {
    fault.error = new CniError('CACHE_INVALID', 'injected corrupt entry');
    await delNetworkList(context(), list, rt);
    expect(calls).toEqual(['DEL:first']);
    expect(warnings).toEqual(['ignoring a corrupt result cache entry on DEL']);
    expect(await readdir(join(dir, 'cache', 'results'))).toEqual([]);
  });
});
