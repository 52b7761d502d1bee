/**
 * GC through the driver, with the fixture noop plugin and namespace paths that do not exist.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import { createStaticObjectSource } from '../objects/static-source.ts';
import { createCniDriver } from './create-cni-driver.ts';
import type { CniDriver } from './driver-api.ts';
import type { PodSandbox } from './pod-types.ts';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';

const PLUGIN_DIR = FIXTURE_PLUGIN_DIR;
const ALPHA = 'alpha.network.k8s.io/networks';
const VALID = 'cni.dev/valid-attachments';

let dir: string;
let confDir: string;
let driver: CniDriver;

interface NoopCall {
  command: string;
  env: Record<string, string>;
  stdin: string;
}
const controlOf = (net: string) => join(dir, `${net}.json`);
const callsOf = async (net: string, command: string): Promise<NoopCall[]> =>
  (await readFile(`${controlOf(net)}.log`, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as NoopCall)
    .filter((e) => e.command === command);
const delsOf = async (net: string) => (await callsOf(net, 'DEL')).map((e) => `${e.env['CNI_CONTAINERID']}/${e.env['CNI_IFNAME']}`);
const control = (net: string, value: unknown) => writeFile(controlOf(net), JSON.stringify(value));
const writeConf = (file: string, name: string) =>
  writeFile(join(confDir, file), JSON.stringify({ cniVersion: '1.1.0', name, plugins: [{ type: 'noop', debugFile: controlOf(name) }] }));

const sandbox = (name: string, networks: string): PodSandbox => ({
  sandboxId: `${name}-sandbox`,
  netns: join(dir, 'netns', name),
  pod: { namespace: 'default', name, uid: `uid-${name}`, annotations: { [ALPHA]: networks } },
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-gc-'));
  confDir = join(dir, 'net.d');
  await mkdir(confDir);
  await writeConf('10-dbnet.conflist', 'dbnet');
  await writeConf('20-othernet.conflist', 'othernet');
  const objects = createStaticObjectSource(['dbnet', 'othernet'].map((name) => ({ namespace: 'default', name })));
  driver = createCniDriver({ confDir, pluginDirs: [PLUGIN_DIR], stateDir: join(dir, 'state'), objectSource: objects, executor: createExecaExecutor(), watch: false, loopback: false });
});

afterEach(async () => {
  await driver.close({ abort: true });
  await rm(dir, { recursive: true, force: true });
});

describe('gc', () => {
  it('tears down the sandboxes not in the valid set and reports them, keeping the valid ones', async () => {
    await driver.setUpPod(sandbox('keep', 'dbnet'));
    await driver.setUpPod(sandbox('drop', 'dbnet,othernet'));
    const report = await driver.gc(new Set(['keep-sandbox']));
    expect(report).toEqual({ tornDown: ['drop-sandbox'], errors: [] });
    expect([await delsOf('dbnet'), await delsOf('othernet')]).toEqual([['drop-sandbox/eth0'], ['drop-sandbox/eth1']]);
    expect((await driver.listSandboxes()).map((s) => s.sandboxId)).toEqual(['keep-sandbox']);
  });

  it('runs GC on each network with the attachments still held on that network only', async () => {
    await driver.setUpPod(sandbox('a', 'dbnet,othernet'));
    await driver.setUpPod(sandbox('b', 'othernet'));
    await driver.setUpPod(sandbox('drop', 'dbnet'));
    await driver.gc(['a-sandbox', 'b-sandbox']);
    const validOf = async (net: string) => (await callsOf(net, 'GC')).map((e) => (JSON.parse(e.stdin) as Record<string, unknown>)[VALID]);
    expect(await validOf('dbnet')).toEqual([[{ containerID: 'a-sandbox', ifname: 'eth0' }]]);
    expect(await validOf('othernet')).toEqual([
      [
        { containerID: 'a-sandbox', ifname: 'eth1' },
        { containerID: 'b-sandbox', ifname: 'eth0' },
      ],
    ]);
  });

  it('reports a failed DEL of a stale sandbox as an error, and the sandbox not as torn down', async () => {
    await driver.setUpPod(sandbox('drop', 'dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    const report = await driver.gc([]);
    expect(report.tornDown).toEqual([]);
    expect(report.errors.map((e) => (e as { code?: string }).code)).toEqual(['POD_TEARDOWN_FAILED']);
    expect(await delsOf('dbnet')).toEqual(['drop-sandbox/eth0']);
  });

  it('finishes the teardown of a valid sandbox whose teardown failed, without reporting it as torn down', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await expect(driver.tearDownPod('web-sandbox')).rejects.toBeInstanceOf(AggregateError);
    await control('othernet', {});
    const report = await driver.gc(['web-sandbox']);
    expect(report).toEqual({ tornDown: [], errors: [] });
    expect(await delsOf('othernet')).toEqual(['web-sandbox/eth1', 'web-sandbox/eth1']);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('retries the failed DELs of a running sandbox and keeps what it has attached', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await driver.reconcilePod(sandbox('web', 'dbnet'));
    await control('othernet', {});
    const report = await driver.gc(['web-sandbox']);
    expect(report).toEqual({ tornDown: [], errors: [] });
    expect([await delsOf('dbnet'), await delsOf('othernet')]).toEqual([[], ['web-sandbox/eth1', 'web-sandbox/eth1']]);
    expect(await callsOf('othernet', 'ADD')).toHaveLength(1);
    const [summary] = await driver.listSandboxes();
    expect([summary?.phase, summary?.pendingDeletes, summary?.status.networks.map((n) => n.interface)]).toEqual(['ready', [], ['eth0']]);
  });

  it('reports a failed DEL of a running sandbox that fails again', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await driver.reconcilePod(sandbox('web', 'dbnet'));
    const report = await driver.gc(['web-sandbox']);
    expect(report.tornDown).toEqual([]);
    expect(report.errors.map((e) => (e as { code?: string }).code)).toEqual(['POD_TEARDOWN_FAILED']);
  });

  it('leaves a valid running sandbox with every attachment made alone', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await expect(driver.gc(['web-sandbox'])).resolves.toEqual({ tornDown: [], errors: [] });
    expect([await delsOf('dbnet'), await delsOf('othernet'), await callsOf('dbnet', 'ADD'), await callsOf('dbnet', 'CHECK')].map((l) => l.length)).toEqual([0, 0, 1, 0]);
  });

  it('keeps going past a network whose GC fails, and reports the failure', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet,othernet'));
    await control('dbnet', { GC: { errorCode: 11, errorMsg: 'busy' } });
    const report = await driver.gc(['web-sandbox']);
    expect(report.errors.map((e) => [(e as { code?: string }).code, e.message.includes('busy')])).toEqual([[expect.any(String), true]]);
    expect(await callsOf('othernet', 'GC')).toHaveLength(1);
  });

  it('runs GC on a network added to the conf dir since the last sync', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await writeConf('30-newnet.conflist', 'newnet');
    await driver.gc(['web-sandbox']);
    expect(await callsOf('newnet', 'GC')).toHaveLength(1);
  });

  it('stops a GC given a signal of its own when the driver is closed with abort', async () => {
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await control('dbnet', { GC: { sleepMs: 3000 } });
    const gc = driver.gc(['web-sandbox'], { signal: new AbortController().signal });
    while ((await callsOf('dbnet', 'GC')).length === 0) await new Promise((resolve) => setImmediate(resolve));
    await driver.close({ abort: true });
    expect((await gc).errors).toHaveLength(2);
  });
});
