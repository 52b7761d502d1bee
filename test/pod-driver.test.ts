/**
 * Multi-network pods through the driver's public API, with fixture plugins and fake namespaces:
 * plans, ordering, rollback, record-only teardown across restarts, retries, concurrency.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from '@multinet/checkpoint';
import { createCniDriver, createExecaExecutor, createStaticObjectSource, parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type CniDriver, type PluginExecutor, type PodRecord, type PodSandbox, type StaticObjectSource } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';
import { openPodRecords } from './support/pod-records.ts';

let dir: string;
let confDir: string;
let binDir: string;
let stateDir: string;
let objects: StaticObjectSource;
let drivers: CniDriver[];

const ALPHA = 'alpha.network.k8s.io/networks';
const logOf = (net: string) => join(dir, `${net}.json`);

async function writeConf(file: string, name: string, cniVersion = '1.0.0'): Promise<void> {
  await writeFile(join(confDir, file), JSON.stringify({ cniVersion, name, plugins: [{ type: 'noop', debugFile: logOf(name) }] }));
}

function openDriver(patch: Partial<Parameters<typeof createCniDriver>[0]> = {}): CniDriver {
  const driver = createCniDriver({ confDir, pluginDirs: [binDir], stateDir, objectSource: objects, watch: false, loopback: false, pluginTimeoutMs: 20_000, ...patch });
  drivers.push(driver);
  return driver;
}

const sandbox = (name: string, networks?: string, id = `${name}-sandbox`): PodSandbox => ({
  sandboxId: id,
  netns: join(dir, 'netns', id),
  pod: { namespace: 'default', name, uid: `uid-${name}`, annotations: networks === undefined ? {} : { [ALPHA]: networks } },
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-pods-'));
  confDir = join(dir, 'net.d');
  binDir = join(dir, 'bin');
  stateDir = join(dir, 'state');
  await mkdir(confDir);
  // A private bin dir, so a test can add or remove a plugin binary.
  await cp(FIXTURE_PLUGIN_DIR, binDir, { recursive: true });
  await writeConf('10-dbnet.conflist', 'dbnet');
  await writeConf('20-othernet.conflist', 'othernet', '0.4.0');
  objects = createStaticObjectSource([
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'othernet' },
    { namespace: 'default', name: 'thick-plugin-example', plugin: 'thick-plugin' },
  ]);
  process.env['NOOP_DEBUG'] = logOf('thick');
  drivers = [];
});

afterEach(async () => {
  delete process.env['NOOP_DEBUG'];
  await Promise.all(drivers.map((d) => d.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('setUpPod', () => {
  it('attaches every listed network in order on eth0..eth2, and the pod IPs are eth0\'s', async () => {
    const status = await openDriver().setUpPod(sandbox('web', 'dbnet,othernet,thick-plugin-example'));
    expect(status.networks.map((n) => [n.name, n.interface, n.default])).toEqual([
      ['default/dbnet', 'eth0', true],
      ['default/othernet', 'eth1', false],
      ['default/thick-plugin-example', 'eth2', false],
    ]);
    expect(status.podIPs).toEqual(status.networks[0]?.ips);
    const thick = await readNoopLog(logOf('thick'));
    // VERSION first (negotiation), then ADD with the generated config at the highest common version.
    expect(thick.map((e) => e.command)).toEqual(['VERSION', 'ADD']);
    expect(JSON.parse(thick[1]!.stdin)).toMatchObject({ name: 'thick-plugin-example', type: 'thick-plugin', cniVersion: '1.1.0' });
  });

  it('uses the first conf file alone on eth0 when the pod names no network', async () => {
    const status = await openDriver().setUpPod(sandbox('plain'));
    expect(status.networks.map((n) => [n.name, n.interface])).toEqual([['dbnet', 'eth0']]);
  });

  it('reports the selection format the request was read in, and the formats precedence ignored, from setUpPod, podStatus and listSandboxes', async () => {
    const driver = openDriver();
    const both = sandbox('both', 'dbnet');
    const status = await driver.setUpPod({ ...both, pod: { ...both.pod, annotations: { ...both.pod.annotations, 'k8s.v1.cni.cncf.io/networks': 'othernet' } } });
    expect([status.format, status.ignoredFormats]).toEqual(['alpha', ['npwg']]);
    expect(await driver.podStatus(both.sandboxId)).toMatchObject({ format: 'alpha', ignoredFormats: ['npwg'] });
    const npwg = await driver.setUpPod({ ...sandbox('npwg'), pod: { ...sandbox('npwg').pod, annotations: { 'k8s.v1.cni.cncf.io/networks': 'othernet' } } });
    expect([npwg.format, npwg.ignoredFormats]).toEqual(['npwg', undefined]);
    expect((await driver.setUpPod(sandbox('plain'))).format).toBe('default');
    expect((await driver.listSandboxes()).map((s) => [s.pod.name, s.status.format]).sort()).toEqual([['both', 'alpha'], ['npwg', 'npwg'], ['plain', 'default']]);
  });

  it('passes the pod identity in CNI_ARGS, in the patch\'s order', async () => {
    await openDriver().setUpPod(sandbox('web', 'dbnet'));
    const [add] = await readNoopLog(logOf('dbnet'));
    expect(add!.env['CNI_ARGS']).toBe('IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=web-sandbox;K8S_POD_UID=uid-web');
  });

  it('honours name@ifname and refuses a conflict before anything runs', async () => {
    const driver = openDriver();
    const status = await driver.setUpPod(sandbox('a', 'dbnet@data0,othernet'));
    expect(status.networks.map((n) => n.interface)).toEqual(['data0', 'eth1']);
    await expect(driver.setUpPod(sandbox('b', 'dbnet@x,othernet@x'))).rejects.toMatchObject({ code: 'INTERFACE_NAME_CONFLICT' });
    expect((await readNoopLog(logOf('dbnet'))).filter((e) => e.command === 'ADD')).toHaveLength(1);
  });

  it('rolls back in reverse when the third ADD fails, and names the network, interface and plugin', async () => {
    await writeNoopControl(logOf('thick'), { ADD: { errorCode: 7, errorMsg: 'no thanks' } });
    const driver = openDriver();
    const error = await driver.setUpPod(sandbox('web', 'dbnet,othernet,thick-plugin-example')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: expect.objectContaining({ code: 'INVALID_NETWORK_CONFIG' }) });
    expect((error as Error).message).toMatch(/thick-plugin-example.*eth2.*thick-plugin.*no thanks/);
    const order = [...(await readNoopLog(logOf('dbnet'))), ...(await readNoopLog(logOf('othernet'))), ...(await readNoopLog(logOf('thick')))]
      .filter((e) => e.command === 'DEL')
      .map((e) => e.env['CNI_IFNAME']);
    expect(order.sort()).toEqual(['eth0', 'eth1', 'eth2']);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('fails only the pods whose thick plugin is missing, and works once the binary appears', async () => {
    await unlink(join(binDir, 'thick-plugin'));
    const driver = openDriver();
    await expect(driver.setUpPod(sandbox('a', 'thick-plugin-example'))).rejects.toMatchObject({ code: 'NETWORK_NOT_FOUND', message: expect.stringContaining('thick-plugin') });
    await expect(driver.setUpPod(sandbox('b', 'dbnet'))).resolves.toBeDefined();
    await cp(join(FIXTURE_PLUGIN_DIR, 'thick-plugin'), join(binDir, 'thick-plugin'));
    await expect(driver.setUpPod(sandbox('a', 'thick-plugin-example'))).resolves.toMatchObject({ networks: [expect.objectContaining({ interface: 'eth0' })] });
  });

  it('returns the recorded status for a sandbox that is already set up', async () => {
    const driver = openDriver();
    const first = await driver.setUpPod(sandbox('web', 'dbnet'));
    expect(await driver.setUpPod(sandbox('web', 'dbnet'))).toEqual(first);
    expect((await readNoopLog(logOf('dbnet'))).filter((e) => e.command === 'ADD')).toHaveLength(1);
  });
});

describe('tearDownPod', () => {
  it('after a restart and a deleted conf file, DELs every network with the config used at ADD, in reverse', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('web', 'dbnet,othernet,thick-plugin-example'));
    const addedOther = (await readNoopLog(logOf('othernet')))[0]!.stdin;
    await unlink(join(confDir, '20-othernet.conflist'));
    objects.removeNetwork('default', 'othernet');
    await first.close();
    const restarted = openDriver();
    await restarted.tearDownPod('web-sandbox');
    const delOther = (await readNoopLog(logOf('othernet'))).find((e) => e.command === 'DEL')!;
    expect(JSON.parse(delOther.stdin)).toMatchObject({ ...JSON.parse(addedOther), prevResult: expect.any(Object) });
    expect(await restarted.listSandboxes()).toEqual([]);
    expect(await readdir(join(stateDir, 'cache', 'results')).catch(() => [])).toEqual([]);
  });

  it('keeps a failing DEL in the record with its error and attempts, and finishes it on a later gc', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await writeNoopControl(logOf('othernet'), { DEL: { errorCode: 11, errorMsg: 'busy' } });
    const error = await driver.tearDownPod('web-sandbox').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: { code: string }) => e.code)).toEqual(['POD_TEARDOWN_FAILED']);
    const [pending] = await driver.listSandboxes();
    expect(pending?.pendingDeletes).toEqual([{ ifName: 'eth1', network: 'default/othernet', attempts: 1, error: expect.objectContaining({ code: 'TRY_AGAIN_LATER' }) }]);
    await writeNoopControl(logOf('othernet'), {});
    const report = await driver.gc([]);
    expect(report.errors).toEqual([]);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('is a no-op when neither a record nor a cache entry exists', async () => {
    await expect(openDriver().tearDownPod('never-seen')).resolves.toBeUndefined();
  });

  it('is idempotent', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await driver.tearDownPod('web-sandbox');
    await driver.tearDownPod('web-sandbox');
    expect((await readNoopLog(logOf('dbnet'))).filter((e) => e.command === 'DEL')).toHaveLength(1);
  });

  it('falls back to the libcni cache (written when asked for) when a record file an earlier version left is corrupt', async () => {
    const driver = openDriver({ libcniCache: true });
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await driver.close();
    await writeFile(join(stateDir, 'records', 'records-1.log'), '', { mode: 0o600 });
    await mkdir(join(stateDir, 'pods'), { recursive: true, mode: 0o700 });
    await writeFile(join(stateDir, 'pods', 'web-sandbox.json'), '{"kind":"podCheckpoint","vers');
    await openDriver({ libcniCache: true }).tearDownPod('web-sandbox');
    expect((await readNoopLog(logOf('dbnet'))).map((e) => e.command)).toEqual(['ADD', 'DEL']);
    expect(await readdir(join(stateDir, 'pods', 'quarantine'))).toHaveLength(1);
  });

  it('falls back to the libcni cache (written when asked for) when the record in the log is unusable, and quarantines it', async () => {
    const driver = openDriver({ libcniCache: true });
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await driver.close();
    await openPodRecords(stateDir, (d) => d as PodRecord).write('web-sandbox', { sandboxId: 'web-sandbox' } as PodRecord);
    await openDriver({ libcniCache: true }).tearDownPod('web-sandbox');
    expect((await readNoopLog(logOf('dbnet'))).map((e) => e.command)).toEqual(['ADD', 'DEL']);
    expect(await readdir(join(stateDir, 'records', 'quarantine'))).toHaveLength(1);
  });

  it('writes no libcni-format cache files unless asked for, and DELs with the ADD result from its record', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet'));
    expect(await readdir(join(stateDir, 'cache', 'results')).catch(() => [])).toEqual([]);
    await driver.tearDownPod('web-sandbox');
    const del = (await readNoopLog(logOf('dbnet'))).find((e) => e.command === 'DEL');
    expect(JSON.parse(del!.stdin).prevResult).toMatchObject({ ips: [expect.objectContaining({ address: expect.any(String) })] });
  });

  it('moves the record files an earlier version kept in <stateDir>/pods into its log, and tears the pod down from them', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await driver.close();
    const record = (await openPodRecords(stateDir).read('web-sandbox'))!;
    await rm(join(stateDir, 'records'), { recursive: true });
    const legacy = await createCheckpointStore<PodRecord>({ dir: join(stateDir, 'pods'), kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
    await legacy.write('web-sandbox', record);
    const next = openDriver();
    expect((await next.listSandboxes()).map((s) => s.sandboxId)).toEqual(['web-sandbox']);
    expect((await readdir(join(stateDir, 'pods'))).filter((f) => f.endsWith('.json'))).toEqual([]);
    await next.tearDownPod('web-sandbox');
    expect((await readNoopLog(logOf('dbnet'))).map((e) => e.command)).toEqual(['ADD', 'DEL']);
  });
});

describe('the running pods', () => {
  it('keep their status and teardown when their conf file is removed', async () => {
    const driver = openDriver();
    const before = await driver.setUpPod(sandbox('web', 'dbnet'));
    await unlink(join(confDir, '10-dbnet.conflist'));
    await driver.sync();
    expect(await driver.podStatus('web-sandbox')).toEqual(before);
    await driver.tearDownPod('web-sandbox');
    expect((await readNoopLog(logOf('dbnet'))).map((e) => e.command)).toEqual(['ADD', 'DEL']);
  });

  it('serializes operations on one sandbox', async () => {
    await writeNoopControl(logOf('dbnet'), { ADD: { sleepMs: 100 } });
    const driver = openDriver();
    await Promise.all([driver.setUpPod(sandbox('web', 'dbnet')), driver.tearDownPod('web-sandbox')]);
    expect((await readNoopLog(logOf('dbnet'))).map((e) => e.command)).toEqual(['ADD', 'DEL']);
  });

  it('run different sandboxes side by side, but never more than the limit at once', async () => {
    await writeNoopControl(logOf('dbnet'), { ADD: { sleepMs: 150 } });
    const inner = createExecaExecutor();
    let running = 0;
    let peak = 0;
    const counting: PluginExecutor = {
      async execPlugin(request) {
        running++;
        peak = Math.max(peak, running);
        try {
          return await inner.execPlugin(request);
        } finally {
          running--;
        }
      },
    };
    const driver = openDriver({ maxConcurrentPods: 2, executor: counting });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => driver.setUpPod(sandbox(name, 'dbnet'))));
    expect(peak).toBe(2);
    expect((await driver.listSandboxes()).map((s) => s.phase)).toEqual(['ready', 'ready', 'ready', 'ready', 'ready']);
  });

  it('report readiness: not ready without a default network', async () => {
    await rm(confDir, { recursive: true });
    expect(await openDriver().status()).toMatchObject({ ready: false, error: { code: 'NO_DEFAULT_NETWORK' } });
  });

  it('are checked with CHECK where the version allows', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await driver.checkPod('web-sandbox');
    expect((await readNoopLog(logOf('othernet'))).map((e) => e.command)).toEqual(['ADD', 'CHECK']);
  });
});
