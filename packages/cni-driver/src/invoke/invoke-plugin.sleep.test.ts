import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PluginExecOutcome, PluginExecutor } from './plugin-executor.ts';

// The default wait between "text file busy" retries is node:timers/promises' setTimeout; vitest's
// fake timers do not patch that module, so it is mocked here to record each wait and resolve at once.
const waits = vi.hoisted(() => [] as number[]);
vi.mock('node:timers/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:timers/promises')>();
  return {
    ...actual,
    setTimeout: vi.fn(async (ms: number) => {
      waits.push(ms);
    }),
  };
});

const { invokePlugin } = await import('./invoke-plugin.ts');

const ok: PluginExecOutcome = { exitCode: 0, signal: null, stdout: '{"cniVersion":"1.0.0"}', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
const busy: PluginExecOutcome = { ...ok, exitCode: null, stdout: '', spawnError: { code: 'ETXTBSY', message: 'text file busy' } };

beforeEach(() => {
  waits.length = 0;
});

describe('invokePlugin without an injected sleep', () => {
  it('waits 1000 ms through node:timers/promises setTimeout before each "text file busy" retry', async () => {
    const answers = [busy, busy, ok];
    let calls = 0;
    const executor: PluginExecutor = { execPlugin: async () => answers[calls++]! };
    const answer = await invokePlugin({
      executor,
      pluginDirs: [],
      knownPluginPath: () => '/opt/cni/bin/noop',
      type: 'noop',
      command: 'ADD',
      stdin: '{}',
      baseEnv: {},
    });
    expect(answer).toEqual({ cniVersion: '1.0.0' });
    expect(calls).toBe(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it('does not wait at all when the first attempt runs', async () => {
    const executor: PluginExecutor = { execPlugin: async () => ok };
    await invokePlugin({ executor, pluginDirs: [], knownPluginPath: () => '/opt/cni/bin/noop', type: 'noop', command: 'ADD', stdin: '{}', baseEnv: {} });
    expect(waits).toEqual([]);
  });
});
