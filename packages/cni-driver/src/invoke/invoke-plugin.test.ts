import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PLUGIN_DIR, writeNoopControl } from '../../../../test/support/noop.ts';
import { createExecaExecutor } from './execa-executor.ts';
import { INVOKE_DEFAULTS, invokePlugin, PLUGIN_CHANNELS, PLUGIN_TRACING_CHANNEL, type InvokePluginRequest, type PluginCallMessage } from './invoke-plugin.ts';
import { wrapLogger, type Logger } from '../internal/logger.ts';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from './plugin-executor.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-invoke-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request = (extra: Partial<InvokePluginRequest> = {}): InvokePluginRequest => ({
  executor: createExecaExecutor(),
  pluginDirs: [FIXTURE_PLUGIN_DIR],
  type: 'noop',
  network: 'podnet',
  command: 'ADD',
  stdin: JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', type: 'noop' }),
  containerId: 'c0ffee',
  netns: '/var/run/netns/multinet-invoke',
  ifName: 'eth0',
  baseEnv: { PATH: process.env['PATH'] },
  ...extra,
});

/** Records every event of the plugin tracing channel while `fn` runs. */
async function recordEvents(fn: () => Promise<unknown>): Promise<Array<[string, PluginCallMessage]>> {
  const events: Array<[string, PluginCallMessage]> = [];
  const channel = tracingChannel<unknown, PluginCallMessage>(PLUGIN_TRACING_CHANNEL);
  const handlers = {
    start: (m: PluginCallMessage) => events.push(['start', { ...m }]),
    end: (m: PluginCallMessage) => events.push(['end', { ...m }]),
    asyncStart: (m: PluginCallMessage) => events.push(['asyncStart', { ...m }]),
    asyncEnd: (m: PluginCallMessage) => events.push(['asyncEnd', { ...m }]),
    error: (m: PluginCallMessage) => events.push(['error', { ...m }]),
  };
  channel.subscribe(handlers);
  try {
    await fn().catch(() => undefined);
  } finally {
    channel.unsubscribe(handlers);
  }
  return events;
}

describe('plugin calls on diagnostics_channel', () => {
  it('publishes start and asyncEnd with the plugin type, command, network, ifName, container ID, duration and outcome', async () => {
    const events = await recordEvents(() => invokePlugin(request()));
    expect(events.map(([name]) => name)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(events[0]![1]).toMatchObject({ type: 'noop', command: 'ADD', network: 'podnet', ifName: 'eth0', containerId: 'c0ffee' });
    const [, done] = events[3]!;
    expect(done).toMatchObject({ path: join(FIXTURE_PLUGIN_DIR, 'noop'), outcome: 'ok' });
    expect(done.durationMs).toBeGreaterThan(0);
    expect(done.result).toMatchObject({ cniVersion: '1.0.0' });
  });

  it('publishes an error event with the CniError when the plugin fails', async () => {
    const control = join(dir, 'control.json');
    await writeNoopControl(control, { ADD: { errorCode: 7, errorMsg: 'bad config', exitCode: 1 } });
    const events = await recordEvents(() => invokePlugin(request({ baseEnv: { PATH: process.env['PATH'], NOOP_DEBUG: control } })));
    expect(events.map(([name]) => name)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    const [, failed] = events[2]!;
    expect(failed.outcome).toBe('INVALID_NETWORK_CONFIG');
    expect(failed.error).toMatchObject({ code: 'INVALID_NETWORK_CONFIG', details: expect.objectContaining({ pluginCode: 7, plugin: 'noop' }) });
  });

  it('publishes a plugin that is not found as an error with its code', async () => {
    const events = await recordEvents(() => invokePlugin(request({ type: 'no-such-plugin' })));
    expect(events.find(([name]) => name === 'error')?.[1]).toMatchObject({ type: 'no-such-plugin', outcome: 'PLUGIN_NOT_FOUND' });
  });

  it('delivers messages to a subscriber of one channel name', async () => {
    const seen: unknown[] = [];
    const onEnd = (message: unknown): void => void seen.push(message);
    subscribe(PLUGIN_CHANNELS.asyncEnd, onEnd);
    try {
      await invokePlugin(request({ command: 'DEL' }));
    } finally {
      unsubscribe(PLUGIN_CHANNELS.asyncEnd, onEnd);
    }
    expect(seen).toEqual([expect.objectContaining({ command: 'DEL', outcome: 'ok' })]);
  });
});

describe('the debug line of a plugin call', () => {
  it('logs each call at debug with its network, interface, verb, duration and outcome', async () => {
    const lines: Array<[object, string | undefined]> = [];
    const logger: Logger = { debug: (obj, msg) => void lines.push([obj, msg]), info: () => {}, warn: () => {}, error: () => {}, child: () => logger };
    await invokePlugin(request({ logger }));
    expect(lines).toEqual([[expect.objectContaining({ plugin: 'noop', command: 'ADD', network: 'podnet', ifName: 'eth0', outcome: 'ok', durationMs: expect.any(Number) }), 'plugin call succeeded']]);
  });
});

describe('wrapLogger', () => {
  it('makes a console without child usable, merging child bindings into each line', async () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const console = new Console({ stdout: stream, stderr: stream });
    const logger = wrapLogger(console).child({ component: 'cni-driver' }).child({ network: 'podnet' });
    logger.warn({ ifName: 'eth0' }, 'ADD failed');
    await invokePlugin(request({ logger }));
    expect(written).toContain("{ component: 'cni-driver', network: 'podnet', ifName: 'eth0' } ADD failed");
    expect(written).toMatch(/plugin: 'noop'[\s\S]*outcome: 'ok'[\s\S]*plugin call succeeded/);
  });

  it('returns a pino-compatible logger as it is', () => {
    const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => logger };
    expect(wrapLogger(logger)).toBe(logger);
  });

  it('drops levels a logger lacks, or sends them to its log method', () => {
    const logged: unknown[][] = [];
    const partial = { log: (...args: unknown[]) => void logged.push(args) };
    wrapLogger(partial).child({ a: 1 }).debug({ b: 2 }, 'hello');
    expect(logged).toEqual([[{ a: 1, b: 2 }, 'hello']]);
    expect(() => wrapLogger({}).error({}, 'nothing')).not.toThrow();
  });
});

/** An executor that answers from a script and records every request (the executor seam of invokePlugin). */
function scriptedExecutor(...answers: Array<Partial<PluginExecOutcome> | Error>) {
  const requests: PluginExecRequest[] = [];
  const executor: PluginExecutor = {
    async execPlugin(req) {
      requests.push(req);
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (answer instanceof Error) throw answer;
      return { exitCode: 0, signal: null, stdout: '{"cniVersion":"1.0.0"}', stderr: '', timedOut: false, aborted: false, outputTooLarge: false, ...answer };
    },
  };
  return { executor, requests };
}

const busy: Partial<PluginExecOutcome> = { exitCode: null, stdout: '', spawnError: { code: 'ETXTBSY', message: 'text file busy' } };

describe('invokePlugin with an executor', () => {
  it('hands the executor the plugin path, stdin, CNI env and the default bounds', async () => {
    const { executor, requests } = scriptedExecutor({});
    expect(await invokePlugin(request({ executor }))).toEqual({ cniVersion: '1.0.0' });
    expect(requests).toEqual([
      {
        path: join(FIXTURE_PLUGIN_DIR, 'noop'),
        stdin: request().stdin,
        env: { PATH: process.env['PATH'], CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c0ffee', CNI_NETNS: '/var/run/netns/multinet-invoke', CNI_ARGS: '', CNI_IFNAME: 'eth0', CNI_PATH: FIXTURE_PLUGIN_DIR },
        timeoutMs: INVOKE_DEFAULTS.timeoutMs,
        killGraceMs: INVOKE_DEFAULTS.killGraceMs,
        maxOutputBytes: INVOKE_DEFAULTS.maxOutputBytes,
        signal: undefined,
        fenceFd: undefined,
      },
    ]);
    expect(INVOKE_DEFAULTS).toEqual({ timeoutMs: 60_000, killGraceMs: 2_000, maxOutputBytes: 4 * 1024 * 1024 });
  });

  it("hands the executor the caller's bounds, signal, fence and CNI_ARGS", async () => {
    const { executor, requests } = scriptedExecutor({});
    const signal = new AbortController().signal;
    await invokePlugin(request({ executor, timeoutMs: 5, killGraceMs: 6, maxOutputBytes: 7, signal, fenceFd: 9, args: [['K8S_POD_NAME', 'web']] }));
    expect(requests[0]).toMatchObject({ timeoutMs: 5, killGraceMs: 6, maxOutputBytes: 7, fenceFd: 9, env: expect.objectContaining({ CNI_ARGS: 'K8S_POD_NAME=web' }) });
    expect(requests[0]!.signal).toBe(signal);
  });

  it('gives the plugin the process environment when no base env is given', async () => {
    const { executor, requests } = scriptedExecutor({});
    await invokePlugin({ ...request({ executor }), baseEnv: undefined });
    expect(requests[0]!.env).toMatchObject({ PATH: process.env['PATH'], CNI_COMMAND: 'ADD' });
    expect(Object.keys(requests[0]!.env).length).toBeGreaterThan(6);
  });

  it('retries while the binary is busy, waiting a second each time, and returns the answer once it runs', async () => {
    const { executor, requests } = scriptedExecutor(busy, { exitCode: 126, stdout: '', stderr: 'exec: Text File Busy' }, {});
    const waits: number[] = [];
    const answer = await invokePlugin(request({ executor, sleep: async (ms) => void waits.push(ms) }));
    expect(answer).toEqual({ cniVersion: '1.0.0' });
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it('gives up after five retries on a binary that stays busy, with PLUGIN_SPAWN_FAILED naming ETXTBSY', async () => {
    const { executor, requests } = scriptedExecutor(busy);
    const waits: number[] = [];
    await expect(invokePlugin(request({ executor, sleep: async (ms) => void waits.push(ms) }))).rejects.toMatchObject({ code: 'PLUGIN_SPAWN_FAILED', message: expect.stringContaining('ETXTBSY') });
    expect(requests).toHaveLength(6);
    expect(waits).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('does not retry other spawn failures', async () => {
    const { executor, requests } = scriptedExecutor({ exitCode: null, stdout: '', spawnError: { code: 'EACCES', message: 'permission denied' } });
    const waits: number[] = [];
    await expect(invokePlugin(request({ executor, sleep: async (ms) => void waits.push(ms) }))).rejects.toMatchObject({ code: 'PLUGIN_SPAWN_FAILED' });
    expect([requests.length, waits]).toEqual([1, []]);
  });

  it('runs a plugin the catalog knows from its known path, without looking in the plugin dirs', async () => {
    const { executor, requests } = scriptedExecutor({});
    const asked: string[] = [];
    await invokePlugin(request({ executor, pluginDirs: [dir], knownPluginPath: (type) => (asked.push(type), '/known/noop') }));
    expect(asked).toEqual(['noop']);
    expect(requests.map((r) => r.path)).toEqual(['/known/noop']);
  });

  it('looks a plugin up in the plugin dirs when the catalog does not know it', async () => {
    const { executor, requests } = scriptedExecutor({});
    await invokePlugin(request({ executor, knownPluginPath: () => undefined }));
    expect(requests.map((r) => r.path)).toEqual([join(FIXTURE_PLUGIN_DIR, 'noop')]);
  });

  it('looks the plugin up again when its known path has gone, and publishes the path it ran', async () => {
    const { executor, requests } = scriptedExecutor({ exitCode: null, stdout: '', spawnError: { code: 'ENOENT', message: 'gone' } }, {});
    const seen: PluginCallMessage[] = [];
    const onEnd = (message: unknown): void => void seen.push({ ...(message as PluginCallMessage) });
    subscribe(PLUGIN_CHANNELS.asyncEnd, onEnd);
    try {
      expect(await invokePlugin(request({ executor, knownPluginPath: () => '/stale/noop' }))).toEqual({ cniVersion: '1.0.0' });
    } finally {
      unsubscribe(PLUGIN_CHANNELS.asyncEnd, onEnd);
    }
    expect(requests.map((r) => r.path)).toEqual(['/stale/noop', join(FIXTURE_PLUGIN_DIR, 'noop')]);
    expect(seen).toEqual([expect.objectContaining({ path: join(FIXTURE_PLUGIN_DIR, 'noop'), outcome: 'ok' })]);
  });

  it('fails with PLUGIN_NOT_FOUND when a known path has gone and the plugin dirs lack it too', async () => {
    const { executor, requests } = scriptedExecutor({ exitCode: null, stdout: '', spawnError: { code: 'ENOENT', message: 'gone' } });
    await expect(invokePlugin(request({ executor, pluginDirs: [dir], knownPluginPath: () => '/stale/noop' }))).rejects.toMatchObject({ code: 'PLUGIN_NOT_FOUND' });
    expect(requests).toHaveLength(1);
  });

  it('reports ENOENT of a plugin found in the plugin dirs as a spawn failure, without a second lookup', async () => {
    const { executor, requests } = scriptedExecutor({ exitCode: null, stdout: '', spawnError: { code: 'ENOENT', message: 'gone' } });
    await expect(invokePlugin(request({ executor }))).rejects.toMatchObject({ code: 'PLUGIN_SPAWN_FAILED' });
    expect(requests).toHaveLength(1);
  });

  describe('a stdin gate', () => {
    it('calls an executor that cannot hold stdin only once the gate has opened, without the gate', async () => {
      const { executor, requests } = scriptedExecutor({});
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const call = invokePlugin(request({ executor, stdinGate: gate }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(requests).toEqual([]);
      open();
      expect(await call).toEqual({ cniVersion: '1.0.0' });
      expect(requests).toHaveLength(1);
      expect(requests[0]).not.toHaveProperty('stdinGate');
    });

    it('counts the duration it reports from the gate\'s opening, not from the call', async () => {
      const scripted = scriptedExecutor({});
      const lines: Array<Record<string, unknown>> = [];
      const logger: Logger = { debug: (obj) => void lines.push(obj as Record<string, unknown>), info: () => {}, warn: () => {}, error: () => {}, child: () => logger };
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const executor: PluginExecutor = {
        gatesStdin: true,
        async execPlugin(req) {
          await req.stdinGate;
          return scripted.executor.execPlugin(req);
        },
      };
      const call = invokePlugin(request({ executor, stdinGate: gate, logger }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      open();
      await call;
      // Held 300 ms; the call after the gate is a matter of microseconds.
      expect(lines[0]?.['durationMs']).toBeLessThan(250);
    });

    it('hands the gate to an executor that holds stdin, which starts the plugin at once', async () => {
      const scripted = scriptedExecutor({});
      const executor: PluginExecutor = { ...scripted.executor, gatesStdin: true };
      const gate = Promise.resolve();
      expect(await invokePlugin(request({ executor, stdinGate: gate }))).toEqual({ cniVersion: '1.0.0' });
      expect(scripted.requests.map((r) => r.stdinGate)).toEqual([gate]);
    });

    it.each([true, false])('fails with the gate\'s own error when it fails (executor holds stdin: %s), whatever the outcome says', async (gatesStdin) => {
      const scripted = scriptedExecutor({ exitCode: null, signal: 'SIGTERM', aborted: true, stdout: '' });
      const executor: PluginExecutor = { ...scripted.executor, gatesStdin };
      const failure = new Error('the intent could not be made durable');
      const gate = Promise.reject(failure);
      gate.catch(() => undefined);
      await expect(invokePlugin(request({ executor, stdinGate: gate }))).rejects.toBe(failure);
      expect(scripted.requests).toHaveLength(gatesStdin ? 1 : 0);
    });
  });

  it('refuses a type that is a path before asking the catalog or running anything', async () => {
    const { executor, requests } = scriptedExecutor({});
    const asked: string[] = [];
    await expect(invokePlugin(request({ executor, type: '../noop', knownPluginPath: (type) => (asked.push(type), '/known/noop') }))).rejects.toMatchObject({ code: 'PLUGIN_TYPE_INVALID' });
    expect([asked, requests]).toEqual([[], []]);
  });

  it('logs a failed call with its error code, and ERROR for a failure without one', async () => {
    const lines: Array<[Record<string, unknown>, string | undefined]> = [];
    const logger: Logger = { debug: (obj, msg) => void lines.push([obj as Record<string, unknown>, msg]), info: () => {}, warn: () => {}, error: () => {}, child: () => logger };
    const failing = scriptedExecutor({ exitCode: 1, stdout: '{"code":11,"msg":"busy"}' });
    await expect(invokePlugin(request({ executor: failing.executor, logger }))).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER' });
    const broken = new Error('executor broke');
    const throwing = scriptedExecutor(broken);
    await expect(invokePlugin(request({ executor: throwing.executor, logger }))).rejects.toBe(broken);
    expect(lines).toEqual([
      [{ plugin: 'noop', command: 'ADD', network: 'podnet', ifName: 'eth0', containerId: 'c0ffee', durationMs: expect.any(Number), outcome: 'TRY_AGAIN_LATER' }, 'plugin call failed'],
      [expect.objectContaining({ outcome: 'ERROR' }), 'plugin call failed'],
    ]);
  });

  it('passes on a rejection without an error value as it is, logged as ERROR', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger: Logger = { debug: (obj) => void lines.push(obj as Record<string, unknown>), info: () => {}, warn: () => {}, error: () => {}, child: () => logger };
    const executor: PluginExecutor = { execPlugin: () => Promise.reject(undefined) };
    await expect(invokePlugin(request({ executor, logger }))).rejects.toBeUndefined();
    expect(lines.map((line) => line['outcome'])).toEqual(['ERROR']);
  });

  it('measures the duration of the whole call in milliseconds', async () => {
    let clock = 1_000;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      const executor: PluginExecutor = {
        async execPlugin() {
          clock += 12;
          return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
        },
      };
      const lines: Array<Record<string, unknown>> = [];
      const logger: Logger = { debug: (obj) => void lines.push(obj as Record<string, unknown>), info: () => {}, warn: () => {}, error: () => {}, child: () => logger };
      expect(await invokePlugin(request({ executor, logger }))).toBeUndefined();
      expect(lines.map((line) => line['durationMs'])).toEqual([12]);
    } finally {
      now.mockRestore();
    }
  });

  it('publishes the failure of a call whose executor throws with outcome ERROR', async () => {
    const events = await recordEvents(() => invokePlugin(request({ executor: scriptedExecutor(new Error('broke')).executor })));
    expect(events.find(([name]) => name === 'asyncEnd')?.[1]).toMatchObject({ outcome: 'ERROR' });
  });
});
