/**
 * Reconciling a pod sandbox through the driver, with the fixture noop plugin and namespace paths
 * that do not exist.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PodSandbox } from './pod-types.ts';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { recordingLogger, useNoopDriverBed } from '../../../../test/support/noop-driver.ts';

const PLUGIN_DIR = FIXTURE_PLUGIN_DIR;
const ALPHA = 'alpha.network.k8s.io/networks';
const NPWG = 'k8s.v1.cni.cncf.io/networks';

const bed = useNoopDriverBed({
  prefix: 'multinet-reconcile-',
  confs: [
    ['10-dbnet.conflist', 'dbnet', '1.0.0'],
    ['20-othernet.conflist', 'othernet', '0.4.0'],
    ['30-thirdnet.conflist', 'thirdnet', '1.0.0'],
  ],
  objects: [
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'othernet' },
    { namespace: 'default', name: 'thirdnet' },
    { namespace: 'default', name: 'thick', plugin: 'thick-plugin' },
  ],
});
const { commandsOf, control, openDriver } = bed;

const sandbox = (networks: string, annotations: Record<string, string> = { [ALPHA]: networks }): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(bed.dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations },
});

describe('the limit of networks per pod', () => {
  it('refuses a pod that asks for more networks than the limit with SELECTION_INVALID, before anything runs', async () => {
    const driver = openDriver({ maxNetworksPerPod: 2 });
    const error = await driver.reconcilePod(sandbox('dbnet,othernet,thirdnet')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SELECTION_INVALID', message: 'pod default/web asks for 3 networks, over the limit of 2', details: { pod: 'default/web' } });
    expect([...(await commandsOf('dbnet')), ...(await commandsOf('othernet')), ...(await commandsOf('thirdnet'))]).toEqual([]);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('sets up a pod with as many networks as the limit, loopback not counted', async () => {
    const binDir = join(bed.dir, 'bin');
    await mkdir(binDir);
    await copyFile(join(PLUGIN_DIR, 'noop'), join(binDir, 'noop'));
    await copyFile(join(PLUGIN_DIR, 'noop'), join(binDir, 'loopback'));
    const driver = openDriver({ maxNetworksPerPod: 2, loopback: true, pluginDirs: [binDir] });
    const report = await driver.reconcilePod(sandbox('dbnet,othernet'));
    expect(report.added.map((a) => a.ifName)).toEqual(['lo', 'eth0', 'eth1']);
    expect(report.status.networks.map((n) => n.interface)).toEqual(['eth0', 'eth1']);
  });
});

describe('what a reconcile reports', () => {
  it('records the selection format the request was read in and the formats it ignored', async () => {
    const driver = openDriver();
    const report = await driver.reconcilePod(sandbox('dbnet', { [ALPHA]: 'dbnet', [NPWG]: 'othernet' }));
    expect([report.status.format, report.status.ignoredFormats]).toEqual(['alpha', ['npwg']]);
    const [summary] = await driver.listSandboxes();
    expect([summary?.status.format, summary?.status.ignoredFormats]).toEqual(['alpha', ['npwg']]);
  });

  it('records a format with nothing ignored when the pod carried one format only', async () => {
    const driver = openDriver();
    const report = await driver.reconcilePod(sandbox('dbnet'));
    expect(report.status.format).toBe('alpha');
    expect(report.status).not.toHaveProperty('ignoredFormats');
  });

  it('keeps the interface names of the attachments that stay, and DELs only what is no longer wanted', async () => {
    const driver = openDriver();
    await driver.reconcilePod(sandbox('dbnet,othernet'));
    const report = await driver.reconcilePod(sandbox('othernet'));
    expect([report.added, report.removed]).toEqual([[], [{ network: 'default/dbnet', ifName: 'eth0' }]]);
    expect(report.status.networks.map((n) => [n.name, n.interface])).toEqual([['default/othernet', 'eth1']]);
    expect(await commandsOf('othernet')).toEqual(['ADD']);
  });

  it('negotiates the version of a thick plugin for the plan', async () => {
    const report = await openDriver().reconcilePod(sandbox('thick'));
    expect(report.status.networks.map((n) => [n.name, n.result?.cniVersion])).toEqual([['default/thick', '1.1.0']]);
  });

  it('reports no default switch on a first setup, nor when the default network stays', async () => {
    const driver = openDriver();
    const first = await driver.reconcilePod(sandbox('dbnet,othernet'));
    expect(first).not.toHaveProperty('defaultSwitched');
    const again = await driver.reconcilePod(sandbox('dbnet'));
    expect(again).not.toHaveProperty('defaultSwitched');
  });

  it('reports the default network switching when the pod\'s first network changes', async () => {
    const driver = openDriver();
    await driver.reconcilePod(sandbox('dbnet'));
    const report = await driver.reconcilePod(sandbox('othernet'));
    expect(report.defaultSwitched).toEqual({ from: 'default/dbnet', to: 'default/othernet' });
    expect(report.status.podIPs).toEqual(report.status.networks[0]?.ips);
  });

  it('reports no default switch when the new default network failed to attach', async () => {
    const driver = openDriver();
    await driver.reconcilePod(sandbox('dbnet'));
    await control('othernet', { ADD: { errorCode: 11, errorMsg: 'try again' } });
    const report = await driver.reconcilePod(sandbox('othernet'));
    expect(report.failed.map((f) => [f.name, f.code])).toEqual([['default/othernet', expect.any(String)]]);
    expect(report).not.toHaveProperty('defaultSwitched');
  });

  it('reports when a failed attachment is retried, after the time of the failure', async () => {
    const driver = openDriver();
    await driver.reconcilePod(sandbox('dbnet'));
    await control('othernet', { ADD: { errorCode: 11, errorMsg: 'try again' } });
    const before = Date.now();
    const report = await driver.reconcilePod(sandbox('dbnet,othernet'));
    const [failure] = report.failed;
    expect(failure).toMatchObject({ name: 'default/othernet', interface: 'eth1', attempts: 1 });
    expect(Date.parse(failure!.retryAfter)).toBeGreaterThan(before);
    expect(report.status.failures).toEqual(report.failed);
  });

  it('does not take a sandbox whose teardown failed for a running one', async () => {
    const driver = openDriver();
    await driver.reconcilePod(sandbox('dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await expect(driver.tearDownPod('web-sandbox')).rejects.toBeInstanceOf(AggregateError);
    await control('othernet', {});
    const report = await driver.reconcilePod(sandbox('dbnet'));
    expect(report).not.toHaveProperty('defaultSwitched');
    expect(report.status.networks.map((n) => [n.name, n.interface])).toEqual([['default/dbnet', 'eth0']]);
  });

  it('warns of each DEL that failed and is kept for a retry', async () => {
    const { calls, logger } = recordingLogger();
    const driver = openDriver({ logger });
    await driver.reconcilePod(sandbox('dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await driver.reconcilePod(sandbox('dbnet'));
    const warnings = calls.filter((c) => c.msg === 'DEL failed; kept for a retry');
    expect(warnings.map((w) => [w.obj['sandboxId'], (w.obj['err'] as { code?: string }).code])).toEqual([['web-sandbox', 'POD_TEARDOWN_FAILED']]);
  });
});
