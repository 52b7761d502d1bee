/**
 * The driver hands its `durability` to the record log: each `fdatasync` of node:fs is counted
 * (the record log syncs its appends through it), with the fixture noop plugin and namespace
 * paths that do not exist.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PodSandbox } from './pod-types.ts';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';
import { createNotingExecutor } from '../../../../test/support/noting-executor.ts';

const ports = vi.hoisted(() => ({
  fdatasyncs: 0,
  /** What happened, in order, once set: syncs of the record log and plugin calls. */
  events: undefined as string[] | undefined,
  /** Set: a sync finishes only once this settles (bounded by the test). */
  holdSync: undefined as Promise<void> | undefined,
  /** Set: every sync fails with this errno code. */
  failSync: undefined as string | undefined,
  /** Set: every `writeSync` (the record log's appends) fails with this errno code. */
  failWrite: undefined as string | undefined,
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (...args: unknown[]): number => {
      if (ports.failWrite !== undefined) throw Object.assign(new Error(`${ports.failWrite}: i/o error, write`), { code: ports.failWrite });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    },
    fdatasync: (fd: number, callback: (error: Error | null) => void): void => {
      ports.fdatasyncs += 1;
      ports.events?.push('sync started');
      if (ports.failSync !== undefined) {
        const error = Object.assign(new Error(`${ports.failSync}: i/o error, fdatasync`), { code: ports.failSync });
        setImmediate(() => callback(error));
        return;
      }
      void (ports.holdSync ?? Promise.resolve()).then(() =>
        fs.fdatasync(fd, (error) => {
          ports.events?.push('sync done');
          callback(error);
        }),
      );
    },
  };
});

const bed = useNoopDriverBed({
  prefix: 'multinet-core-durability-',
  confs: [
    ['10-dbnet.conflist', 'dbnet', '1.0.0'],
    ['20-dbnet2.conflist', 'dbnet2', '1.0.0'],
    ['30-dbnet3.conflist', 'dbnet3', '1.0.0'],
  ],
  objects: [
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'dbnet2' },
    { namespace: 'default', name: 'dbnet3' },
  ],
});

const sandbox = (): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(bed.dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'alpha.network.k8s.io/networks': 'dbnet' } },
});

beforeEach(() => {
  Object.assign(ports, { fdatasyncs: 0, events: undefined, holdSync: undefined, failSync: undefined, failWrite: undefined });
});

describe('the durability option, as the record log sees it', () => {
  it('syncs the record log\'s ADD intent to disk under the default power-loss durability', async () => {
    const driver = bed.openDriver();
    await driver.setUpPod(sandbox());
    expect(ports.fdatasyncs).toBeGreaterThan(0);
  });

  it('never syncs the record log under process-crash durability: the option reaches the log', async () => {
    const driver = bed.openDriver({ durability: 'process-crash' });
    await driver.setUpPod(sandbox());
    expect((await driver.listSandboxes()).map((s) => s.phase)).toEqual(['ready']);
    expect(ports.fdatasyncs).toBe(0);
  });
});

describe('the ADD intent\'s sync and the first plugin', () => {
  it('starts the first plugin while the intent is being synced, and gives it its config only once the sync is done', async () => {
    const events: string[] = [];
    const executor = createNotingExecutor(events);
    const driver = bed.openDriver({ executor });
    await driver.listSandboxes();
    ports.events = events;
    // The sync finishes once the plugin has started (or after 5 s, if it never starts meanwhile).
    ports.holdSync = Promise.race([executor.called, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]);
    await driver.setUpPod(sandbox());
    expect(events).toEqual(['sync started', 'ADD dbnet started held', 'sync done', 'ADD dbnet config', 'ADD dbnet done']);
    expect(await bed.commandsOf('dbnet')).toEqual(['ADD']);
  });

  it('fails the setup with the sync\'s error when the intent cannot be made durable, no plugin having read its config', async () => {
    const events: string[] = [];
    const driver = bed.openDriver({ executor: createNotingExecutor(events) });
    await driver.listSandboxes();
    ports.events = events;
    ports.failSync = 'EIO';
    await expect(driver.setUpPod(sandbox())).rejects.toMatchObject({ code: 'RECORD_WRITE_FAILED', message: expect.stringContaining('EIO') });
    expect(events).toEqual(['sync started', 'ADD dbnet started held', 'ADD dbnet never given its config', 'ADD dbnet done']);
    // The noop logs each call once it has read its config: none did, and no DEL was run either.
    expect(await bed.commandsOf('dbnet')).toEqual([]);
  });
});

describe('a running pod whose change cannot be recorded', () => {
  it('runs neither the DEL of the network it drops nor the ADD of the one it gains when the intents cannot be written', async () => {
    const withNetworks = (networks: string): PodSandbox => ({ ...sandbox(), pod: { ...sandbox().pod, annotations: { 'alpha.network.k8s.io/networks': networks } } });
    const driver = bed.openDriver();
    await driver.setUpPod(withNetworks('dbnet,dbnet2'));
    ports.failWrite = 'EIO';
    await expect(driver.reconcilePod(withNetworks('dbnet,dbnet3'))).rejects.toMatchObject({ code: 'RECORD_WRITE_FAILED' });
    ports.failWrite = undefined;
    // dbnet2 is still there, untouched, and dbnet3 was never run.
    expect([await bed.commandsOf('dbnet'), await bed.commandsOf('dbnet2'), await bed.commandsOf('dbnet3')]).toEqual([['ADD'], ['ADD'], []]);
  });
});
