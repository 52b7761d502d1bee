/**
 * Where chain errors come from, as their messages say, and GC arguments without a valid set.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNetworkConfigList } from '@multinet/cni-types';
import type { PluginExecOutcome, PluginExecRequest } from '../invoke/plugin-executor.ts';
import { buildCachePath } from '../cache/result-cache.ts';
import { createCniConfig } from './cni-config.ts';

let dir: string;
const requests: PluginExecRequest[] = [];
const executor = {
  async execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
    requests.push(request);
    return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
  },
};
const rt = { containerId: 'c0ffee', netns: '/ns', ifName: 'eth0' };
const list = (cniVersion: string) => parseNetworkConfigList(JSON.stringify({ cniVersion, name: 'net', plugins: [{ type: 'first' }] }));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-chain-messages-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'first'), '');
  await mkdir(join(dir, 'cache', 'results'), { recursive: true, mode: 0o700 });
  requests.length = 0;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () => createCniConfig({ pluginDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache'), executor });
const cache = (text: string) => writeFile(buildCachePath(join(dir, 'cache'), 'net', rt.containerId, rt.ifName), text, { mode: 0o600 });

describe('chain error messages', () => {
  it('names the result cache as the source of a cached result that is not valid', async () => {
    await cache(JSON.stringify({ cniVersion: '1.0.0', ips: 'x' }));
    await expect(open().getNetworkListCachedResult(list('1.0.0'), rt)).rejects.toMatchObject({ code: 'RESULT_INVALID', message: expect.stringContaining('the result cache') });
  });

  it('reads a cached result without cniVersion as of the list version', async () => {
    await cache(JSON.stringify({ ips: [{ address: '10.0.0.2/24' }] }));
    expect(await open().getNetworkListCachedResult(list('1.0.0'), rt)).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] });
  });

  it('names capabilityArgs in the message of capability args of the wrong shape, on ADD and CHECK', async () => {
    const bad = { ...rt, capabilityArgs: { portMappings: 'x' } };
    await expect(open().addNetworkList(list('1.0.0'), bad)).rejects.toThrow(/^capabilityArgs: /);
    await expect(open().checkNetworkList(list('1.0.0'), bad)).rejects.toThrow(/^capabilityArgs: /);
  });
});

describe('GC arguments', () => {
  it('sends GC without the valid-attachment keys when the arguments hold no valid set', async () => {
    await open().gcNetworkList(list('1.1.0'), {});
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0]!.stdin)).toEqual({ cniVersion: '1.1.0', name: 'net', type: 'first' });
  });
});
