/**
 * The driver hands its `durability` to the record log: each `fdatasync` of node:fs is counted
 * (the record log syncs its appends through it), with the fixture noop plugin and namespace
 * paths that do not exist.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PodSandbox } from './pod-types.ts';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';

const ports = vi.hoisted(() => ({ fdatasyncs: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasync: (fd: number, callback: (error: Error | null) => void): void => {
      ports.fdatasyncs += 1;
      fs.fdatasync(fd, callback);
    },
  };
});

const bed = useNoopDriverBed({
  prefix: 'multinet-core-durability-',
  confs: [['10-dbnet.conflist', 'dbnet', '1.0.0']],
  objects: [{ namespace: 'default', name: 'dbnet' }],
});

const sandbox = (): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(bed.dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'alpha.network.k8s.io/networks': 'dbnet' } },
});

beforeEach(() => {
  ports.fdatasyncs = 0;
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
