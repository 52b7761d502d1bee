import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CniResult } from '@multinet/cni-types';
import { countSyncs } from '../../../../test/support/fsync-counter.ts';
import { readCachedResult } from '../cache/result-cache.ts';
import type { ChainContext } from '../chain/chain-context.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { applyDefaultRoutes } from './apply-default-routes.ts';
import type { DefaultRouteEditor } from './route-editor.ts';

let dir: string;
let edits: unknown[][];
const editor: DefaultRouteEditor = {
  async deleteDefaultRoutes(...args) {
    edits.push(['delete', ...args]);
  },
  async addDefaultRoutes(...args) {
    edits.push(['add', ...args]);
  },
};
const chain = (patch: Partial<ChainContext> = {}): ChainContext => ({
  executor: { execPlugin: () => Promise.reject(new Error('no plugin runs here')) },
  pluginDirs: [],
  cacheDir: join(dir, 'cache'),
  timeoutMs: 1_000,
  killGraceMs: 100,
  maxOutputBytes: 1 << 20,
  baseEnv: {},
  logger: SILENT_LOGGER,
  cacheFsync: false,
  ...patch,
});
const configText = JSON.stringify({ cniVersion: '1.0.0', name: 'alpha', plugins: [{ type: 'noop' }] });
const rt = { containerId: 'sb1', netns: '/var/run/netns/x', ifName: 'net1', args: [['K8S_POD_NAME', 'p']] as Array<[string, string]>, capabilityArgs: { mac: '02:00:00:00:00:01' } };
const result = { cniVersion: '1.0.0', ips: [{ address: '10.250.9.5/24' }], routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.254' }, { dst: '10.9.0.0/16' }] } as unknown as CniResult;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-apply-routes-'));
  edits = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('applyDefaultRoutes', () => {
  it('returns the result as it is and changes nothing without a plan', async () => {
    await expect(applyDefaultRoutes(editor, chain(), { configText, networkName: 'alpha' }, rt, result)).resolves.toBe(result);
    expect(edits).toEqual([]);
    await expect(readCachedResult(join(dir, 'cache'), 'alpha', 'sb1', 'net1')).resolves.toBeUndefined();
  });

  it('removes the planned families\' default routes and adds the gateways on the interface, then edits the result', async () => {
    const plan = { removeFamilies: [4, 6] as Array<4 | 6>, gateways: ['10.250.9.1'] };
    const edited = await applyDefaultRoutes(editor, chain({ writeResultCache: false }), { configText, networkName: 'alpha', defaultRoutes: plan }, rt, result);
    expect(edits).toEqual([['delete', '/var/run/netns/x', 'net1', [4, 6]], ['add', '/var/run/netns/x', 'net1', ['10.250.9.1']]]);
    expect(edited).toEqual({ cniVersion: '1.0.0', ips: [{ address: '10.250.9.5/24' }], routes: [{ dst: '10.9.0.0/16' }, { dst: '0.0.0.0/0', gw: '10.250.9.1' }] });
    await expect(readCachedResult(join(dir, 'cache'), 'alpha', 'sb1', 'net1')).resolves.toBeUndefined();
  });

  it('asks the editor for nothing it has no families or gateways for', async () => {
    await applyDefaultRoutes(editor, chain(), { configText, networkName: 'alpha', defaultRoutes: { removeFamilies: [], gateways: ['10.0.0.1'] } }, rt, undefined);
    await applyDefaultRoutes(editor, chain(), { configText, networkName: 'alpha', defaultRoutes: { removeFamilies: [6], gateways: [] } }, rt, undefined);
    expect(edits).toEqual([['add', '/var/run/netns/x', 'net1', ['10.0.0.1']], ['delete', '/var/run/netns/x', 'net1', [6]]]);
  });

  it('edits the namespace even when the plugins left no result, and returns none', async () => {
    const plan = { removeFamilies: [4] as Array<4 | 6>, gateways: [] };
    await expect(applyDefaultRoutes(editor, chain(), { configText, networkName: 'alpha', defaultRoutes: plan }, rt, undefined)).resolves.toBeUndefined();
    expect(edits).toHaveLength(1);
    await expect(readCachedResult(join(dir, 'cache'), 'alpha', 'sb1', 'net1')).resolves.toBeUndefined();
  });

  it('rewrites the libcni cache file with the edited result and the runtime values when the driver keeps one', async () => {
    const plan = { removeFamilies: [4] as Array<4 | 6>, gateways: [] };
    const edited = await applyDefaultRoutes(editor, chain(), { configText, networkName: 'alpha', defaultRoutes: plan }, rt, result);
    const cached = await readCachedResult(join(dir, 'cache'), 'alpha', 'sb1', 'net1');
    expect(cached).toMatchObject({ kind: 'v1', configText, record: { containerId: 'sb1', ifName: 'net1', networkName: 'alpha', netns: '/var/run/netns/x', cniArgs: [['K8S_POD_NAME', 'p']], capabilityArgs: { mac: '02:00:00:00:00:01' }, result: edited } });
  });

  it('fails with CACHE_WRITE_FAILED when the cache cannot be written', async () => {
    const plan = { removeFamilies: [4] as Array<4 | 6>, gateways: [] };
    const blocked = join(dir, 'file');
    await writeFile(blocked, '');
    await expect(applyDefaultRoutes(editor, chain({ cacheDir: blocked }), { configText, networkName: 'alpha', defaultRoutes: plan }, rt, result)).rejects.toMatchObject({ code: 'CACHE_WRITE_FAILED' });
  });
});

describe('applyDefaultRoutes and the cache\'s durability', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('syncs the rewritten cache file only when the chain asks for synced cache writes', async () => {
    const plan = { removeFamilies: [4] as Array<4 | 6>, gateways: [] };
    const syncs = await countSyncs(dir);
    await applyDefaultRoutes(editor, chain({ cacheFsync: false }), { configText, networkName: 'alpha', defaultRoutes: plan }, rt, result);
    expect(syncs.count).toBe(0);
    await applyDefaultRoutes(editor, chain({ cacheFsync: true }), { configText, networkName: 'alpha', defaultRoutes: plan }, rt, result);
    expect(syncs.count).toBeGreaterThan(0);
  });
});
