/**
 * GC when listing the cached attachments fails (a fault injected into listCachedAttachments: the
 * real one catches every read and parse error itself).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseNetworkConfigList } from '@multinet/cni-types';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from '../invoke/plugin-executor.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import type { ChainContext } from './chain-context.ts';
import { gcNetworkList } from './gc-network-list.ts';

vi.mock('../cache/result-cache.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../cache/result-cache.ts')>()),
  listCachedAttachments: async () => {
    throw new Error('injected listing fault');
  },
}));

let dir: string;
let calls: string[];

function context(): ChainContext {
  const executor: PluginExecutor = {
    async execPlugin(request: PluginExecRequest): Promise<PluginExecOutcome> {
      calls.push(`${request.env['CNI_COMMAND']}:${basename(request.path)}`);
      return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
    },
  };
  return { executor, pluginDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache'), timeoutMs: 60_000, killGraceMs: 100, maxOutputBytes: 65_536, baseEnv: {}, logger: SILENT_LOGGER };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-gc-faults-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'first'), '');
  calls = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gcNetworkList when the cached attachments cannot be listed', () => {
  it('DELs nothing, still sends GC to every plugin and succeeds', async () => {
    const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.1.0', name: 'net', plugins: [{ type: 'first' }] }));
    await expect(gcNetworkList(context(), list, { validAttachments: [] })).resolves.toBeUndefined();
    expect(calls).toEqual(['GC:first']);
  });

  it('succeeds without calling any plugin for a list before 1.1.0', async () => {
    const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'first' }] }));
    await expect(gcNetworkList(context(), list)).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
});
