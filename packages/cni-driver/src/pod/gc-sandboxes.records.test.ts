/**
 * GC of records left in states a crash or a tampered state dir leaves: planted in the record log
 * of a closed driver, then collected by a new one. Fixture noop plugin, namespace paths that do
 * not exist (and one naming the host's, which must never reach a plugin).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PodSandbox } from './pod-types.ts';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';
import { openPodRecords } from '../../../../test/support/pod-records.ts';

const bed = useNoopDriverBed({
  prefix: 'multinet-gc-records-',
  confs: [
    ['10-dbnet.conflist', 'dbnet', '1.1.0'],
    ['20-othernet.conflist', 'othernet', '1.1.0'],
  ],
  objects: [
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'othernet' },
  ],
});
const { commandsOf, openDriver } = bed;

const sandbox = (networks: string): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(bed.dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'alpha.network.k8s.io/networks': networks } },
});

/** Sets the pod up on dbnet and othernet, closes that driver, and rewrites its record with `patch`. */
async function plantRecord(patch: { phase?: 'setting-up'; netns?: string }): Promise<void> {
  const first = openDriver();
  await first.setUpPod(sandbox('dbnet,othernet'));
  await first.close();
  const records = openPodRecords(bed.stateDir);
  const record = (await records.read('web-sandbox'))!;
  expect(record.attachments.map((a) => [a.ifName, a.state])).toEqual([
    ['eth0', 'added'],
    ['eth1', 'added'],
  ]);
  await records.write('web-sandbox', { ...record, ...patch });
}

describe('gc of planted records', () => {
  it('tears down a valid sandbox whose first setup was cut off after every ADD, without reporting it as torn down', async () => {
    await plantRecord({ phase: 'setting-up' });
    const driver = openDriver();
    const report = await driver.gc(['web-sandbox']);
    expect(report).toEqual({ tornDown: [], errors: [] });
    expect([await commandsOf('dbnet'), await commandsOf('othernet')]).toEqual([
      ['ADD', 'DEL', 'GC'],
      ['ADD', 'DEL', 'GC'],
    ]);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('reports the single error a stale sandbox\'s teardown throws (a record naming the host\'s namespace), runs no DEL, and keeps going to GC', async () => {
    await plantRecord({ netns: '/proc/self/ns/net' });
    const driver = openDriver();
    const report = await driver.gc([]);
    expect(report.tornDown).toEqual([]);
    expect(report.errors.map((e) => [(e as { code?: string }).code, e.message.includes('web-sandbox') && e.message.includes('/proc/self/ns/net')])).toEqual([['NETNS_UNSAFE', true]]);
    expect([await commandsOf('dbnet'), await commandsOf('othernet')]).toEqual([
      ['ADD', 'GC'],
      ['ADD', 'GC'],
    ]);
    expect((await driver.listSandboxes()).map((s) => s.sandboxId)).toEqual(['web-sandbox']);
  });
});
