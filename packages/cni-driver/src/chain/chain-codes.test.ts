/**
 * Error codes and file behaviour of the chains that a plugin or the disk decides: STATUS's two
 * "not available" codes, a cache that cannot be written (a real full tmpfs), and cache overwrites
 * that are atomic (a new file renamed over the old one, never the old file rewritten in place).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseNetworkConfigList, type NetworkConfigList } from '@multinet/cni-types';
import { FIXTURE_PLUGIN_DIR, writeNoopControl } from '../../../../test/support/noop.ts';
import { buildCachePath } from '../cache/result-cache.ts';
import { createCniConfig } from './cni-config.ts';

const run = promisify(execFile);
let dir: string;
let debugFile: string;
const mounts: string[] = [];
const rt = { containerId: 'c0ffee', netns: '/var/run/netns/fake', ifName: 'eth0' };

const list = (cniVersion = '1.1.0'): NetworkConfigList => parseNetworkConfigList(JSON.stringify({ cniVersion, name: 'codes', plugins: [{ type: 'noop', debugFile }] }));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-chain-codes-'));
  debugFile = join(dir, 'noop.json');
});

afterEach(async () => {
  for (const mount of mounts.splice(0)) await run('umount', [mount]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('STATUS', () => {
  it.each([
    [50, 'NOT_AVAILABLE'],
    [51, 'NOT_AVAILABLE_LIMITED'],
  ])('maps the plugin error code %i to %s, keeping the plugin code', async (pluginCode, code) => {
    await writeNoopControl(debugFile, { STATUS: { errorCode: pluginCode, errorMsg: 'not now' } });
    const cni = createCniConfig({ pluginDirs: [FIXTURE_PLUGIN_DIR], cacheDir: join(dir, 'cache') });
    await expect(cni.getStatusNetworkList(list())).rejects.toMatchObject({ code, details: expect.objectContaining({ pluginCode }) });
  });
});

describe('the result cache', () => {
  it('fails ADD with CACHE_WRITE_FAILED naming the file when the cache dir is full', async () => {
    const small = join(dir, 'small');
    await mkdir(small, { mode: 0o700 });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'mncc-tmpfs', small]);
    mounts.push(small);
    const cacheDir = join(small, 'cache');
    await mkdir(join(cacheDir, 'results'), { recursive: true, mode: 0o700 });
    await run('dd', ['if=/dev/zero', `of=${join(small, 'filler')}`, 'bs=64k', 'count=8']).catch(() => undefined); // stops at ENOSPC
    const cni = createCniConfig({ pluginDirs: [FIXTURE_PLUGIN_DIR], cacheDir, cacheFsync: false });
    const error = await cni.addNetworkList(list('1.0.0'), rt).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CACHE_WRITE_FAILED', message: expect.stringContaining(buildCachePath(cacheDir, 'codes', rt.containerId, rt.ifName)) });
    await unlink(join(small, 'filler'));
    await expect(cni.addNetworkList(list('1.0.0'), rt)).resolves.toMatchObject({ cniVersion: '1.0.0' });
  });

  it('overwrites a cache entry by renaming a new file over it, so a reader never sees a half-written one', async () => {
    const cacheDir = join(dir, 'cache');
    const cni = createCniConfig({ pluginDirs: [FIXTURE_PLUGIN_DIR], cacheDir, cacheFsync: false });
    await cni.addNetworkList(list('1.0.0'), rt);
    const file = buildCachePath(cacheDir, 'codes', rt.containerId, rt.ifName);
    const first = await stat(file);
    await writeNoopControl(debugFile, { ADD: { result: { cniVersion: '1.0.0', ips: [{ address: '10.250.9.9/24' }] } } });
    await cni.addNetworkList(list('1.0.0'), rt);
    const second = await stat(file);
    expect(second.ino).not.toBe(first.ino);
    expect(JSON.parse(await readFile(file, 'utf8')).result.ips[0].address).toBe('10.250.9.9/24');
    expect(second.mode & 0o777).toBe(0o600);
  });
});
