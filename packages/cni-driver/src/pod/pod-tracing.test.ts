import { tracingChannel } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { CniError } from '@multinet/cni-types';
import { POD_TRACING_CHANNEL, tracePodOperation, type PodOperationMessage } from './pod-tracing.ts';

const channel = tracingChannel<unknown, PodOperationMessage>(POD_TRACING_CHANNEL);

/** Subscribes to every event of the channel; returns what it saw and how to stop. */
function listen() {
  const events: Array<{ event: string; message: PodOperationMessage; outcome: string | undefined }> = [];
  const on = (event: string) => (message: PodOperationMessage) => events.push({ event, message, outcome: message.outcome });
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  channel.subscribe(handlers);
  return { events, stop: () => channel.unsubscribe(handlers) };
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

const message = (): PodOperationMessage => ({ operation: 'reconcile', sandboxId: 'sandbox-a', pod: 'default/web' });

describe('tracePodOperation', () => {
  it('runs the operation and publishes nothing, leaving the message untouched, when nobody listens', async () => {
    const msg = message();
    await expect(tracePodOperation(msg, async () => 42)).resolves.toBe(42);
    expect(msg).toStrictEqual(message());
  });

  it('publishes start and end of a successful operation, with outcome ok and its duration', async () => {
    const seen = listen();
    stop = seen.stop;
    const msg = message();
    const before = performance.now();
    await expect(tracePodOperation(msg, async () => 'done')).resolves.toBe('done');
    const elapsed = performance.now() - before;
    expect(seen.events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(seen.events.every((e) => e.message === msg)).toBe(true);
    expect(seen.events.find((e) => e.event === 'asyncStart')?.outcome).toBe('ok');
    expect(msg).toMatchObject({ operation: 'reconcile', sandboxId: 'sandbox-a', pod: 'default/web', outcome: 'ok', result: 'done' });
    expect(msg.durationMs).toBeGreaterThanOrEqual(0);
    expect(msg.durationMs).toBeLessThanOrEqual(elapsed);
  });

  it('names a failure by the CniError code, else the error name, else "error", and rethrows it', async () => {
    const seen = listen();
    stop = seen.stop;
    const cases: Array<[unknown, string]> = [
      [new CniError('POD_SETUP_FAILED', 'setup failed'), 'POD_SETUP_FAILED'],
      [new AggregateError([], 'teardown failed'), 'AggregateError'],
      [new TypeError('bad'), 'TypeError'],
      ['a string', 'error'],
    ];
    for (const [thrown, outcome] of cases) {
      const msg = message();
      const before = performance.now();
      await expect(tracePodOperation(msg, async () => Promise.reject(thrown))).rejects.toBe(thrown);
      const elapsed = performance.now() - before;
      expect(msg).toMatchObject({ outcome, error: thrown });
      expect(msg.durationMs).toBeGreaterThanOrEqual(0);
      expect(msg.durationMs).toBeLessThanOrEqual(elapsed);
    }
    expect(seen.events.filter((e) => e.event === 'error').map((e) => e.outcome)).toEqual(['POD_SETUP_FAILED', 'AggregateError', 'TypeError', 'error']);
  });
});
