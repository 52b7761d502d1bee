/**
 * Attachment-level reconcile through the driver's public API, with the noop fixture plugin and
 * fake namespaces: changes to running pods, default switches, failures with backoff, records
 * left by a crash, verification after a restart, and one owner per state dir.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { tracingChannel } from 'node:diagnostics_channel';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createCniDriver,
  createStaticObjectSource,
  parsePodRecord,
  POD_TRACING_CHANNEL,
  type PodOperationMessage,
  POD_RECORD_KIND,
  POD_RECORD_VERSION,
  type CniDriver,
  type CniDriverOptions,
  type PodRecord,
  type PodSandbox,
} from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';
import { openPodRecords } from './support/pod-records.ts';
import { isRunning } from './support/processes.ts';

let dir: string;
let confDir: string;
let binDir: string;
let stateDir: string;
let drivers: CniDriver[];

const ALPHA = 'alpha.network.k8s.io/networks';
const logOf = (net: string) => join(dir, `${net}.json`);
const calls = async (net: string) => (await readNoopLog(logOf(net)).catch(() => [])).map((e) => `${e.command} ${e.env['CNI_IFNAME']}`);

async function writeConf(name: string, cniVersion = '1.0.0'): Promise<void> {
  await writeFile(join(confDir, `10-${name}.conflist`), JSON.stringify({ cniVersion, name, plugins: [{ type: 'noop', debugFile: logOf(name) }] }));
}

function openDriver(patch: Partial<CniDriverOptions> = {}): CniDriver {
  const objectSource = createStaticObjectSource(['anet', 'bnet', 'cnet'].map((name) => ({ namespace: 'default', name })));
  const driver = createCniDriver({ confDir, pluginDirs: [binDir], stateDir, objectSource, watch: false, loopback: false, ...patch });
  drivers.push(driver);
  return driver;
}

const pod = (networks: string, id = 'web-sandbox'): PodSandbox => ({
  sandboxId: id,
  netns: join(dir, 'netns', id),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { [ALPHA]: networks } },
});

async function recordStore() {
  return openPodRecords(stateDir);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-reconcile-'));
  confDir = join(dir, 'net.d');
  binDir = join(dir, 'bin');
  stateDir = join(dir, 'state');
  await mkdir(confDir);
  await cp(FIXTURE_PLUGIN_DIR, binDir, { recursive: true });
  for (const name of ['anet', 'bnet', 'cnet']) await writeConf(name);
  drivers = [];
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('a running pod whose request changes', () => {
  it('gets a new network on the lowest free ethN, with the pod IPs moved to it only after its ADD, and the old default detached last', async () => {
    const driver = openDriver();
    const first = await driver.setUpPod(pod('anet'));
    const switched = await driver.reconcilePod(pod('bnet,anet'));
    expect(switched.added).toEqual([{ network: 'default/bnet', ifName: 'eth1' }]);
    expect(switched.removed).toEqual([]);
    expect(switched.defaultSwitched).toEqual({ from: 'default/anet', to: 'default/bnet' });
    expect(switched.status.networks.map((n) => [n.name, n.interface, n.default])).toEqual([
      ['default/bnet', 'eth1', true],
      ['default/anet', 'eth0', false],
    ]);
    expect(switched.status.podIPs).toEqual(switched.status.networks[0]?.ips);
    expect(switched.status.networks[1]).toEqual({ ...first.networks[0], default: false });

    const dropped = await driver.reconcilePod(pod('bnet'));
    expect(dropped.removed).toEqual([{ network: 'default/anet', ifName: 'eth0' }]);
    expect(dropped.added).toEqual([]);
    expect(dropped.status.networks).toEqual([switched.status.networks[0]]);
    expect(await calls('anet')).toEqual(['ADD eth0', 'DEL eth0']);
    expect(await calls('bnet')).toEqual(['ADD eth1']);
  });

  it('switches the default to a new network first and detaches the old one after it', async () => {
    // Both networks log to one file, so the log is the order of the calls.
    for (const name of ['anet', 'bnet']) {
      await writeFile(join(confDir, `10-${name}.conflist`), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop', debugFile: logOf('shared') }] }));
    }
    const driver = openDriver();
    await driver.setUpPod(pod('anet'));
    const report = await driver.reconcilePod(pod('bnet'));
    expect(report.added).toEqual([{ network: 'default/bnet', ifName: 'eth1' }]);
    expect(report.removed).toEqual([{ network: 'default/anet', ifName: 'eth0' }]);
    expect(report.status.podIPs).toEqual(report.status.networks[0]?.ips);
    const order = (await readNoopLog(logOf('shared'))).map((e) => `${e.command} ${(JSON.parse(e.stdin) as { name: string }).name} ${e.env['CNI_IFNAME']}`);
    expect(order).toEqual(['ADD anet eth0', 'ADD bnet eth1', 'DEL anet eth0']);
  });

  it('leaves the others working when the ADD of a new network fails, reports it, and waits for the backoff before trying again', async () => {
    const driver = openDriver({ retryBackoff: { initialMs: 3_600_000 } });
    const before = await driver.setUpPod(pod('anet'));
    await writeNoopControl(logOf('cnet'), { ADD: { errorCode: 7, errorMsg: 'no such bridge' } });
    const report = await driver.reconcilePod(pod('anet,cnet'));
    expect(report.failed).toEqual([expect.objectContaining({ name: 'default/cnet', interface: 'eth1', code: 'INVALID_NETWORK_CONFIG', attempts: 1 })]);
    expect(report.status.networks).toEqual(before.networks);
    expect(report.status.failures).toHaveLength(1);
    // SPEC: the failed ADD was followed by its DEL.
    expect(await calls('cnet')).toEqual(['ADD eth1', 'DEL eth1']);
    const again = await driver.reconcilePod(pod('anet,cnet'));
    expect(await calls('cnet')).toHaveLength(2);
    expect(again.failed[0]?.attempts).toBe(1);
    expect(await calls('anet')).toEqual(['ADD eth0']);
  });

  it('retries a failed new network on the next reconcile once its backoff has passed', async () => {
    const driver = openDriver({ retryBackoff: { initialMs: 0.001, maxMs: 0.001 } });
    await driver.setUpPod(pod('anet'));
    await writeNoopControl(logOf('cnet'), { ADD: { errorCode: 11, errorMsg: 'busy' } });
    await driver.reconcilePod(pod('anet,cnet'));
    await writeNoopControl(logOf('cnet'), {});
    const report = await driver.reconcilePod(pod('anet,cnet'));
    expect(report.added).toEqual([{ network: 'default/cnet', ifName: 'eth1' }]);
    expect(report.status.failures).toBeUndefined();
  });

  it('rolls a failed first setup back whole and throws POD_SETUP_FAILED', async () => {
    const driver = openDriver();
    await writeNoopControl(logOf('bnet'), { ADD: { errorCode: 7, errorMsg: 'bad' } });
    await expect(driver.setUpPod(pod('anet,bnet'))).rejects.toMatchObject({ code: 'POD_SETUP_FAILED' });
    expect(await calls('anet')).toEqual(['ADD eth0', 'DEL eth0']);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('keeps an existing interface name when an explicit name elsewhere in the list would collide with automatic naming', async () => {
    const driver = openDriver();
    await driver.setUpPod(pod('anet,bnet'));
    const report = await driver.reconcilePod(pod('cnet@eth0x,anet,bnet'));
    expect(report.status.networks.map((n) => [n.name, n.interface])).toEqual([
      ['default/cnet', 'eth0x'],
      ['default/anet', 'eth0'],
      ['default/bnet', 'eth1'],
    ]);
  });
});

describe('a record left by a crash', () => {
  it('that was mid-teardown is never reported ready: every DEL runs again before the pod is set up afresh', async () => {
    const first = openDriver();
    await first.setUpPod(pod('anet,bnet'));
    await first.close();
    const store = await recordStore();
    const record = (await store.read('web-sandbox'))!;
    await store.write('web-sandbox', { ...record, phase: 'tearing-down', attachments: record.attachments.map((a) => ({ ...a, state: 'deleting' as const })) });
    const driver = openDriver();
    expect(await driver.podStatus('web-sandbox')).toBeUndefined();
    const status = await driver.setUpPod(pod('anet,bnet'));
    expect(status.networks.map((n) => n.interface)).toEqual(['eth0', 'eth1']);
    expect(await calls('anet')).toEqual(['ADD eth0', 'DEL eth0', 'ADD eth0']);
    expect(await calls('bnet')).toEqual(['ADD eth1', 'DEL eth1', 'ADD eth1']);
  });

  it('with an ADD whose outcome is unknown DELs it and makes it again, leaving the rest untouched', async () => {
    const first = openDriver();
    await first.setUpPod(pod('anet,bnet'));
    await first.close();
    const store = await recordStore();
    const record = (await store.read('web-sandbox'))!;
    await store.write('web-sandbox', { ...record, attachments: record.attachments.map((a) => (a.ifName === 'eth1' ? { ...a, state: 'adding' as const, result: undefined } : a)) });
    const report = await openDriver().reconcilePod(pod('anet,bnet'));
    expect(report.removed).toEqual([{ network: 'default/bnet', ifName: 'eth1' }]);
    expect(report.added).toEqual([{ network: 'default/bnet', ifName: 'eth1' }]);
    expect(await calls('anet')).toEqual(['ADD eth0', 'CHECK eth0']);
  });

  it('is verified after a restart: an attachment that fails CHECK is made again', async () => {
    const first = openDriver();
    await first.setUpPod(pod('anet,bnet'));
    await first.close();
    await writeNoopControl(logOf('bnet'), { CHECK: { errorCode: 999, errorMsg: 'eth1 is gone' } });
    const report = await openDriver().reconcilePod(pod('anet,bnet'));
    expect(report.repaired).toEqual([{ network: 'default/bnet', ifName: 'eth1' }]);
    expect(await calls('bnet')).toEqual(['ADD eth1', 'CHECK eth1', 'DEL eth1', 'ADD eth1']);
    expect(await calls('anet')).toEqual(['ADD eth0', 'CHECK eth0']);
  });
});

describe('one owner per state dir', () => {
  it('refuses a second driver on a held state dir with STATE_DIR_LOCKED naming the dir and the holder', async () => {
    await openDriver().listSandboxes();
    const error = await openDriver().listSandboxes().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STATE_DIR_LOCKED' });
    expect((error as Error).message).toContain(stateDir);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
  });

  it('lets a second driver wait for the first one to close when asked to', async () => {
    const first = openDriver();
    await first.listSandboxes();
    const second = openDriver({ lockWaitMs: 30_000 });
    const waiting = second.listSandboxes();
    await first.close();
    await expect(waiting).resolves.toEqual([]);
  });

  it('kills the plugin a SIGKILLed owner left running (execa executor: plugins outlive it) before it touches that sandbox, then undoes its ADD', async () => {
    await writeNoopControl(logOf('anet'), { ADD: { sleepMs: 600_000 } });
    const root = dirname(dirname(fileURLToPath(import.meta.url)));
    const child = spawn(
      process.execPath,
      ['--conditions=@multinet/source', '--import', 'tsx', join(root, 'test', 'support', 'fence-child.ts'), JSON.stringify({ confDir, binDir, stateDir, sandboxId: 'web-sandbox', netns: join(dir, 'netns', 'web-sandbox'), networks: 'anet', executor: 'execa' })],
      { cwd: root, stdio: 'ignore' },
    );
    let started: Awaited<ReturnType<typeof readNoopLog>> = [];
    while (started.length === 0) started = await readNoopLog(logOf('anet')).catch(() => []);
    const pluginPid = started[0]!.pid;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isRunning(pluginPid)).toBe(true);

    await writeNoopControl(logOf('anet'), {});
    const driver = openDriver();
    await driver.listSandboxes();
    expect(isRunning(pluginPid)).toBe(false);
    const status = await driver.setUpPod(pod('anet'));
    expect(status.networks.map((n) => n.interface)).toEqual(['eth0']);
    expect(await calls('anet')).toEqual(['ADD eth0', 'DEL eth0', 'ADD eth0']);
  });

  it('with the default spawner helper, a SIGKILLed owner\'s plugin dies with it, and the next owner undoes its ADD', async () => {
    await writeNoopControl(logOf('anet'), { ADD: { sleepMs: 600_000 } });
    const root = dirname(dirname(fileURLToPath(import.meta.url)));
    const child = spawn(
      process.execPath,
      ['--conditions=@multinet/source', '--import', 'tsx', join(root, 'test', 'support', 'fence-child.ts'), JSON.stringify({ confDir, binDir, stateDir, sandboxId: 'web-sandbox', netns: join(dir, 'netns', 'web-sandbox'), networks: 'anet' })],
      { cwd: root, stdio: 'ignore' },
    );
    let started: Awaited<ReturnType<typeof readNoopLog>> = [];
    while (started.length === 0) started = await readNoopLog(logOf('anet')).catch(() => []);
    const pluginPid = started[0]!.pid;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The helper sees its stdin close and kills the plugin's group: wait for that.
    for (let i = 0; i < 200_000 && isRunning(pluginPid); i++) await new Promise((resolve) => setImmediate(resolve));
    expect(isRunning(pluginPid)).toBe(false);

    await writeNoopControl(logOf('anet'), {});
    const driver = openDriver();
    await driver.listSandboxes();
    const status = await driver.setUpPod(pod('anet'));
    expect(status.networks.map((n) => n.interface)).toEqual(['eth0']);
    expect(await calls('anet')).toEqual(['ADD eth0', 'DEL eth0', 'ADD eth0']);
  });
});

describe('closing with abort', () => {
  it('kills the plugin calls in flight, and the next owner finishes what they left', async () => {
    await writeNoopControl(logOf('anet'), { ADD: { sleepMs: 600_000 } });
    const driver = openDriver();
    // Handled from the start: it rejects while close() is still releasing the helper and the log.
    const setUp = driver.setUpPod(pod('anet')).then(() => undefined, (error: unknown) => error);
    let started: Awaited<ReturnType<typeof readNoopLog>> = [];
    while (started.length === 0) started = await readNoopLog(logOf('anet')).catch(() => []);
    await driver.close({ abort: true });
    expect(await setUp).toMatchObject({ code: 'POD_SETUP_FAILED' });
    expect(isRunning(started[0]!.pid)).toBe(false);

    await writeNoopControl(logOf('anet'), {});
    const status = await openDriver().setUpPod(pod('anet'));
    expect(status.networks.map((n) => n.interface)).toEqual(['eth0']);
    expect((await calls('anet')).at(-1)).toBe('ADD eth0');
  });
});

describe('what an embedder can observe', () => {
  it('takes a console-like logger without child() and logs every plugin call of a pod at debug', async () => {
    const lines: Array<{ level: string; obj: object; msg?: string }> = [];
    const record = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    const consoleLike = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const driver = openDriver({ logger: consoleLike });
    await driver.setUpPod(pod('anet,bnet'));
    await driver.tearDownPod('web-sandbox');
    const calls = lines.filter((l) => l.level === 'debug' && 'durationMs' in l.obj).map((l) => l.obj as { command: string; network: string; outcome: string });
    expect(calls.map((c) => `${c.command} ${c.network} ${c.outcome}`)).toEqual(['ADD anet ok', 'ADD bnet ok', 'DEL bnet ok', 'DEL anet ok']);
  });

  it('publishes pod operations on the multinet:pod tracing channel with their outcome', async () => {
    const ended: PodOperationMessage[] = [];
    const channel = tracingChannel<unknown, PodOperationMessage>(POD_TRACING_CHANNEL);
    const handlers = { start() {}, end() {}, asyncStart() {}, asyncEnd: (m: PodOperationMessage) => void ended.push(m), error() {} };
    channel.subscribe(handlers);
    try {
      const driver = openDriver();
      await writeNoopControl(logOf('bnet'), { ADD: { errorCode: 7, errorMsg: 'bad' } });
      await driver.setUpPod(pod('anet,bnet')).catch(() => undefined);
      await driver.setUpPod(pod('anet'));
      await driver.tearDownPod('web-sandbox');
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(ended.map((m) => `${m.operation} ${m.pod ?? m.sandboxId} ${m.outcome}`)).toEqual([
      'reconcile default/web POD_SETUP_FAILED',
      'reconcile default/web ok',
      'teardown web-sandbox ok',
    ]);
    expect(ended.every((m) => typeof m.durationMs === 'number')).toBe(true);
  });
});
