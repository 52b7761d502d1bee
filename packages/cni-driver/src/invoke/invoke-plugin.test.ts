import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PLUGIN_DIR, writeNoopControl } from '../../../../test/support/noop.ts';
import { createExecaExecutor } from './execa-executor.ts';
import { invokePlugin, PLUGIN_CHANNELS, PLUGIN_TRACING_CHANNEL, type InvokePluginRequest, type PluginCallMessage } from './invoke-plugin.ts';
import { wrapLogger, type Logger } from '../internal/logger.ts';

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
