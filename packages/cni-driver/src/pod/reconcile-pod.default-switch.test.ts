/**
 * The default switch a reconcile reports when the pod is left without an added default: after a
 * restart the default network's CHECK fails, and its repair fails too. Fixture noop plugin,
 * namespace paths that do not exist.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CniDriver } from './driver-api.ts';
import type { PodSandbox } from './pod-types.ts';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';

const bed = useNoopDriverBed({
  prefix: 'multinet-reconcile-default-',
  confs: [
    ['10-dbnet.conflist', 'dbnet', '1.0.0'],
    ['20-othernet.conflist', 'othernet', '1.0.0'],
  ],
  objects: [
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'othernet' },
  ],
});
const { control, openDriver } = bed;

const sandbox = (): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(bed.dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'alpha.network.k8s.io/networks': 'dbnet,othernet' } },
});

const fail = { errorCode: 11, errorMsg: 'try again' };

/**
 * Sets the pod up (default dbnet on eth0, othernet on eth1), closes that driver (the next one
 * verifies the record), and steers dbnet's noop with `dbnetControl`.
 */
async function setUpThenRestart(dbnetControl: unknown): Promise<CniDriver> {
  const first = openDriver();
  const report = await first.reconcilePod(sandbox());
  expect(report.status.networks.map((n) => [n.name, n.default])).toEqual([
    ['default/dbnet', true],
    ['default/othernet', false],
  ]);
  await first.close();
  await control('dbnet', dbnetControl);
  return openDriver();
}

describe('the default switch of a reconcile that leaves no added default', () => {
  it('reports no default switch when the broken default network cannot be made again and the pod is left without one', async () => {
    const driver = await setUpThenRestart({ CHECK: fail, ADD: fail });
    const report = await driver.reconcilePod(sandbox());
    expect(report.repaired).toEqual([{ network: 'default/dbnet', ifName: 'eth0' }]);
    expect(report.failed.map((f) => [f.name, f.interface])).toEqual([['default/dbnet', 'eth0']]);
    expect(report.status.networks.map((n) => [n.name, n.default])).toEqual([['default/othernet', false]]);
    expect(report).not.toHaveProperty('defaultSwitched');
  });

  it('reports a switch from no default to the default network once it is made again after a repair whose DEL failed too', async () => {
    const second = await setUpThenRestart({ CHECK: fail, ADD: fail, DEL: fail });
    const broken = await second.reconcilePod(sandbox());
    expect(broken).not.toHaveProperty('defaultSwitched');
    const [summary] = await second.listSandboxes();
    // The broken default stays in the record, still flagged default, waiting for its DEL.
    expect(summary?.pendingDeletes.map((p) => [p.network, p.ifName])).toContainEqual(['default/dbnet', 'eth0']);
    await second.close();
    await control('dbnet', {});
    const report = await openDriver().reconcilePod(sandbox());
    expect(report.status.networks.map((n) => [n.name, n.default])).toEqual([
      ['default/dbnet', true],
      ['default/othernet', false],
    ]);
    expect(report.defaultSwitched).toEqual({ from: undefined, to: 'default/dbnet' });
  });
});
