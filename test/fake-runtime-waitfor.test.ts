/**
 * `runtime.waitFor` for test authors: it resolves on the matching event, rejects with a typed
 * error after its timeout (fake timers: no test waits for real time) or on abort, and leaves no
 * listener behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, FAKE_RUNTIME_ERROR_CODES, isFakeRuntimeError, type FakeRuntime } from '@multinet/fake-runtime';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';

let dir: string;
let runtime: FakeRuntime;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-waitfor-'));
  await cp(join(FIXTURES_DIR, 'demo', 'net.d'), join(dir, 'net.d'), { recursive: true });
  runtime = await createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], netns: 'fake', watch: false, loopback: false });
});
afterEach(async () => {
  vi.useRealTimers();
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('waitFor', () => {
  it('resolves with the arguments of the next matching event and removes its listener', async () => {
    runtime.api.addPod({ name: 'web', annotations: { 'alpha.network.k8s.io/networks': 'podnet' } });
    runtime.api.addPod({ name: 'db', annotations: { 'alpha.network.k8s.io/networks': 'dbnet' } });
    const setUp = runtime.waitFor('podSetUp', (pod) => pod === 'default/db', { timeoutMs: 60_000 });

    await runtime.syncOnce();

    const [pod, status] = await setUp;
    expect(pod).toBe('default/db');
    expect(status.networks.map((n) => n.name)).toEqual(['default/dbnet']);
    expect(runtime.listenerCount('podSetUp')).toBe(0);
  });

  it('rejects with WAIT_TIMEOUT once timeoutMs passes with no matching event, and removes its listener', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const waiting = runtime.waitFor('podTornDown', undefined, { timeoutMs: 5_000 });
    const outcome = waiting.catch((error: unknown) => error);

    await vi.advanceTimersByTimeAsync(4_999);
    expect(runtime.listenerCount('podTornDown')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);

    const error = await outcome;
    expect(isFakeRuntimeError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'FakeRuntimeError', code: 'WAIT_TIMEOUT', details: { event: 'podTornDown', timeoutMs: 5_000 } });
    expect((error as Error).message).toBe('no podTornDown event within 5000 ms');
    expect(runtime.listenerCount('podTornDown')).toBe(0);
  });

  it('says in the timeout message that a predicate filtered the events', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const outcome = runtime.waitFor('podSetUp', (pod) => pod === 'default/never', { timeoutMs: 10 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect((await outcome) as Error).toMatchObject({ code: 'WAIT_TIMEOUT', message: 'no podSetUp event matching the predicate within 10 ms' });
  });

  it('rejects with WAIT_ABORTED when its signal aborts, with the reason as cause', async () => {
    const controller = new AbortController();
    const outcome = runtime.waitFor('syncDone', undefined, { signal: controller.signal }).catch((error: unknown) => error);
    controller.abort(new Error('test is done'));
    const error = await outcome;
    expect(error).toMatchObject({ code: 'WAIT_ABORTED', details: { event: 'syncDone' } });
    expect(((error as Error).cause as Error).message).toBe('test is done');
    expect(runtime.listenerCount('syncDone')).toBe(0);
  });

  it('refuses a negative timeout with a TypeError', async () => {
    await expect(runtime.waitFor('syncDone', undefined, { timeoutMs: -1 })).rejects.toThrow(new TypeError('Expected `timeoutMs` to be a non-negative number, got `-1`'));
  });

  it('has a closed table of error codes', () => {
    expect(Object.keys(FAKE_RUNTIME_ERROR_CODES)).toEqual(['WAIT_TIMEOUT', 'WAIT_ABORTED', 'RUNTIME_CRASHED', 'MANIFEST_TOO_LARGE', 'POD_UID_CONFLICT', 'KUBECONFIG_INVALID']);
  });
});
