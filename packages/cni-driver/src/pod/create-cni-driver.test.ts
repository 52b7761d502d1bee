/**
 * The driver's operations through `createCniDriver` / `openCniDriver`, with the fixture noop
 * plugin and namespace paths that do not exist (the noop never enters them).
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import { openCniDriver } from './create-cni-driver.ts';
import { POD_TRACING_CHANNEL, type PodOperationMessage } from './pod-tracing.ts';
import type { PodSandbox } from './pod-types.ts';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';

const PLUGIN_DIR = FIXTURE_PLUGIN_DIR;
const ALPHA = 'alpha.network.k8s.io/networks';

const bed = useNoopDriverBed({
  prefix: 'multinet-driver-',
  confs: [
    ['10-dbnet.conflist', 'dbnet', '1.1.0'],
    ['20-othernet.conflist', 'othernet', '0.4.0'],
  ],
  objects: [
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'othernet' },
  ],
});
const { commandsOf, control, writeConf, openDriver } = bed;

const sandbox = (name: string, networks: string): PodSandbox => ({
  sandboxId: `${name}-sandbox`,
  netns: join(bed.dir, 'netns', name),
  pod: { namespace: 'default', name, uid: `uid-${name}`, annotations: { [ALPHA]: networks } },
});


describe('setUpPod, reconcilePod and podStatus', () => {
  it('sets a pod up and podStatus reads the same status back from the record', async () => {
    const driver = openDriver();
    const status = await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    expect(status.networks.map((n) => [n.name, n.interface])).toEqual([
      ['default/dbnet', 'eth0'],
      ['default/othernet', 'eth1'],
    ]);
    expect(await driver.podStatus('web-sandbox')).toEqual(status);
    expect(await driver.podStatus('no-such-sandbox')).toBeUndefined();
  });

  it('reports what a reconcile added, removed and repaired', async () => {
    const driver = openDriver();
    const first = await driver.reconcilePod(sandbox('web', 'dbnet,othernet'));
    expect([first.added, first.removed, first.repaired, first.failed]).toEqual([
      [
        { network: 'default/dbnet', ifName: 'eth0' },
        { network: 'default/othernet', ifName: 'eth1' },
      ],
      [],
      [],
      [],
    ]);
    const second = await driver.reconcilePod(sandbox('web', 'dbnet'));
    expect([second.added, second.removed]).toEqual([[], [{ network: 'default/othernet', ifName: 'eth1' }]]);
  });

  it('refuses to start a reconcile or setup whose signal is already aborted', async () => {
    const driver = openDriver();
    await expect(driver.reconcilePod(sandbox('a', 'dbnet'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: expect.any(String) });
    await expect(driver.setUpPod(sandbox('b', 'dbnet'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: expect.any(String) });
    expect(await commandsOf('dbnet')).not.toContain('ADD');
    expect(await driver.listSandboxes()).toEqual([]);
  });
});

describe('listSandboxes and podStatus of a sandbox with failed DELs', () => {
  it('lists the DELs still to do of a running sandbox, and its status holds only what is attached', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await driver.reconcilePod(sandbox('web', 'dbnet'));
    const [summary, ...others] = await driver.listSandboxes();
    expect(others).toEqual([]);
    expect(summary).toMatchObject({ sandboxId: 'web-sandbox', netns: join(bed.dir, 'netns', 'web'), pod: { namespace: 'default', name: 'web', uid: 'uid-web' }, phase: 'ready' });
    expect(summary!.pendingDeletes).toEqual([{ ifName: 'eth1', network: 'default/othernet', attempts: 1, error: { code: 'TRY_AGAIN_LATER', message: expect.stringContaining('try again') } }]);
    expect(summary!.status.networks.map((n) => n.name)).toEqual(['default/dbnet']);
    expect((await driver.podStatus('web-sandbox'))?.networks.map((n) => n.name)).toEqual(['default/dbnet']);
  });

  it('has no status for a sandbox whose teardown failed, and lists it as tearing down', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    const error = await driver.tearDownPod('web-sandbox').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect(await driver.podStatus('web-sandbox')).toBeUndefined();
    expect((await driver.listSandboxes()).map((s) => [s.sandboxId, s.phase, s.pendingDeletes.map((p) => p.ifName)])).toEqual([['web-sandbox', 'tearing-down', ['eth1']]]);
  });
});

describe('tearDownPod, checkPod and gc', () => {
  it('tears a pod down with DEL of each network, after which nothing is listed', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await driver.tearDownPod('web-sandbox');
    expect(await commandsOf('dbnet')).toContain('DEL');
    expect(await commandsOf('othernet')).toContain('DEL');
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('checks every attachment of a pod, and throws UNKNOWN_CONTAINER for a sandbox it has no record of', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await driver.checkPod('web-sandbox');
    expect([...(await commandsOf('dbnet')), ...(await commandsOf('othernet'))].filter((c) => c === 'CHECK')).toHaveLength(2);
    await expect(driver.checkPod('no-such-sandbox')).rejects.toMatchObject({ code: 'UNKNOWN_CONTAINER' });
  });

  it('hands checkPod\'s signal to the CHECKs', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await expect(driver.checkPod('web-sandbox', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: expect.any(String) });
    expect(await commandsOf('dbnet')).not.toContain('CHECK');
  });

  it('tears down what gc is not told to keep, and runs GC on each network', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('keep', 'dbnet'));
    await driver.setUpPod(sandbox('drop', 'dbnet'));
    const report = await driver.gc(['keep-sandbox']);
    expect(report).toEqual({ tornDown: ['drop-sandbox'], errors: [] });
    expect((await driver.listSandboxes()).map((s) => s.sandboxId)).toEqual(['keep-sandbox']);
    expect(await commandsOf('dbnet')).toContain('GC');
  });

  it('hands gc\'s signal to the network GCs and reports what it stopped', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('keep', 'dbnet'));
    const report = await driver.gc(['keep-sandbox'], { signal: AbortSignal.abort() });
    expect(report.tornDown).toEqual([]);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(await commandsOf('dbnet')).not.toContain('GC');
  });
});

describe('sync and status', () => {
  it('reports the catalog and whether it changed since the last sync', async () => {
    const driver = openDriver();
    const first = await driver.sync();
    expect(first.changed).toBe(true);
    expect(first.catalog.defaultNetwork?.name).toBe('dbnet');
    expect((await driver.sync()).changed).toBe(false);
    await writeConf('05-first.conflist', 'first', '1.0.0');
    const third = await driver.sync();
    expect([third.changed, third.catalog.defaultNetwork?.name]).toEqual([true, 'first']);
  });

  it('is ready when the default network answers STATUS', async () => {
    const driver = openDriver();
    await expect(driver.status()).resolves.toEqual({ ready: true, problems: [] });
    expect(await commandsOf('dbnet')).toContain('STATUS');
  });

  it('is not ready, with NO_DEFAULT_NETWORK naming the conf dir, when there is no network config', async () => {
    const empty = join(bed.dir, 'empty');
    await mkdir(empty);
    const driver = openDriver({ confDir: empty });
    await expect(driver.status()).resolves.toEqual({ ready: false, error: { code: 'NO_DEFAULT_NETWORK', message: `no valid network config in ${empty}` }, problems: [] });
  });

  it('is not ready, with the plugin\'s code and message, when the default network fails STATUS', async () => {
    await control('dbnet', { STATUS: { errorCode: 50, errorMsg: 'no IPs left' } });
    const driver = openDriver();
    const status = await driver.status();
    expect(status).toMatchObject({ ready: false, error: { code: 'NOT_AVAILABLE', message: expect.stringContaining('no IPs left') }, problems: [] });
  });

  it('reports PLUGIN_FAILED for a STATUS that failed with something other than a CniError', async () => {
    const inner = createExecaExecutor();
    const executor: PluginExecutor = {
      execPlugin: async (request) => {
        if (request.env['CNI_COMMAND'] === 'STATUS') throw new Error('executor broke');
        return inner.execPlugin(request);
      },
    };
    const driver = openDriver({ executor });
    await expect(driver.status()).resolves.toEqual({ ready: false, error: { code: 'PLUGIN_FAILED', message: 'Error: executor broke' }, problems: [] });
  });

  it('hands status\'s signal to STATUS', async () => {
    const driver = openDriver();
    const status = await driver.status({ signal: AbortSignal.abort() });
    expect(status.ready).toBe(false);
    expect(await commandsOf('dbnet')).not.toContain('STATUS');
  });

  it('stops a STATUS given a signal of its own when the driver is closed with abort', async () => {
    await control('dbnet', { STATUS: { sleepMs: 3000 } });
    const driver = openDriver();
    await driver.sync();
    const pending = driver.status({ signal: new AbortController().signal });
    await waitForLog('dbnet', 'STATUS');
    await driver.close({ abort: true });
    expect((await pending).ready).toBe(false);
  });
});

/** Resolves once the noop logged `command` for `net` (the plugin is running). */
async function waitForLog(net: string, command: string): Promise<void> {
  while (!(await commandsOf(net)).includes(command)) await new Promise((resolve) => setImmediate(resolve));
}

describe('tracing', () => {
  it('publishes each operation with its name, sandbox and pod', async () => {
    const channel = tracingChannel<unknown, PodOperationMessage>(POD_TRACING_CHANNEL);
    const seen: Array<[string, string | undefined, string | undefined, string | undefined]> = [];
    const handlers = {
      start: () => undefined,
      end: () => undefined,
      asyncStart: (m: PodOperationMessage) => seen.push([m.operation, m.sandboxId, m.pod, m.outcome]),
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    channel.subscribe(handlers);
    try {
      const driver = openDriver();
      await driver.setUpPod(sandbox('web', 'dbnet'));
      await driver.reconcilePod(sandbox('web', 'dbnet'));
      await driver.checkPod('web-sandbox');
      await driver.tearDownPod('web-sandbox');
      await driver.gc([]);
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).toEqual([
      ['reconcile', 'web-sandbox', 'default/web', 'ok'],
      ['reconcile', 'web-sandbox', 'default/web', 'ok'],
      ['check', 'web-sandbox', undefined, 'ok'],
      ['teardown', 'web-sandbox', undefined, 'ok'],
      ['gc', undefined, undefined, 'ok'],
    ]);
  });
});

describe('close and openCniDriver', () => {
  it('refuses operations once closed, with DRIVER_CLOSED', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await driver.close();
    await expect(driver.setUpPod(sandbox('web', 'dbnet'))).rejects.toMatchObject({ code: 'DRIVER_CLOSED' });
    await expect(driver.tearDownPod('web-sandbox')).rejects.toMatchObject({ code: 'DRIVER_CLOSED' });
  });

  it('lets go of the state dir on close, so another driver can take it', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('web', 'dbnet'));
    await expect(openCniDriver({ confDir: bed.confDir, pluginDirs: [PLUGIN_DIR], stateDir: bed.stateDir, watch: false })).rejects.toMatchObject({ code: 'STATE_DIR_LOCKED' });
    await Promise.all([first.close(), first.close()]);
    const second = await openCniDriver({ confDir: bed.confDir, pluginDirs: [PLUGIN_DIR], stateDir: bed.stateDir, objectSource: bed.objects, executor: createExecaExecutor(), watch: false, loopback: false });
    bed.adopt(second);
    expect((await second.listSandboxes()).map((s) => s.sandboxId)).toEqual(['web-sandbox']);
    await second.tearDownPod('web-sandbox');
    expect(await commandsOf('dbnet')).toEqual(['ADD', 'DEL']);
  });

  it('kills the plugin calls in flight when closed with abort', async () => {
    await control('dbnet', { ADD: { sleepMs: 3000 } });
    const driver = openDriver();
    const setup = driver.setUpPod(sandbox('web', 'dbnet')).catch((e: unknown) => e);
    await waitForLog('dbnet', 'ADD');
    await driver.close({ abort: true });
    expect(await setup).toMatchObject({ code: 'POD_SETUP_FAILED' });
  });

  it('waits for the operations in flight when closed without abort', async () => {
    await control('dbnet', { ADD: { sleepMs: 300 } });
    const driver = openDriver();
    const setup = driver.setUpPod(sandbox('web', 'dbnet'));
    await waitForLog('dbnet', 'ADD');
    await driver.close();
    await expect(setup).resolves.toMatchObject({ networks: [expect.objectContaining({ name: 'default/dbnet' })] });
  });
});
