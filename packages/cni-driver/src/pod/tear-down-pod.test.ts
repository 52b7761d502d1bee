/**
 * Tearing a pod sandbox down through the driver, with the fixture noop plugin and namespace
 * paths that do not exist.
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

let dir: string;
let driver: CniDriver;

const controlOf = (net: string) => join(dir, `${net}.json`);
const ifNamesOf = async (net: string, command: string): Promise<string[]> =>
  (await readFile(`${controlOf(net)}.log`, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { command: string; env: Record<string, string> })
    .filter((e) => e.command === command)
    .map((e) => e.env['CNI_IFNAME']!);
const control = (net: string, value: unknown) => writeFile(controlOf(net), JSON.stringify(value));

const sandbox = (networks: string): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { [ALPHA]: networks } },
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-teardown-'));
  const confDir = join(dir, 'net.d');
  await mkdir(confDir);
  for (const [file, name, cniVersion] of [
    ['10-dbnet.conflist', 'dbnet', '1.0.0'],
    ['20-othernet.conflist', 'othernet', '0.4.0'],
    ['30-thirdnet.conflist', 'thirdnet', '1.0.0'],
  ] as const) {
    await writeFile(join(confDir, file), JSON.stringify({ cniVersion, name, plugins: [{ type: 'noop', debugFile: controlOf(name) }] }));
  }
  const objects = createStaticObjectSource(['dbnet', 'othernet', 'thirdnet'].map((name) => ({ namespace: 'default', name })));
  driver = createCniDriver({ confDir, pluginDirs: [PLUGIN_DIR], stateDir: join(dir, 'state'), objectSource: objects, executor: createExecaExecutor(), watch: false, loopback: false });
});

afterEach(async () => {
  await driver.close({ abort: true });
  await rm(dir, { recursive: true, force: true });
});

describe('tearDownPod', () => {
  it('DELs every attachment, and forgets the sandbox', async () => {
    await driver.setUpPod(sandbox('dbnet,othernet'));
    await expect(driver.tearDownPod('web-sandbox')).resolves.toBeUndefined();
    expect([await ifNamesOf('dbnet', 'DEL'), await ifNamesOf('othernet', 'DEL')]).toEqual([['eth0'], ['eth1']]);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('is a no-op for a sandbox it holds nothing for', async () => {
    await expect(driver.tearDownPod('no-such-sandbox')).resolves.toBeUndefined();
    await driver.setUpPod(sandbox('dbnet'));
    await driver.tearDownPod('web-sandbox');
    await expect(driver.tearDownPod('web-sandbox')).resolves.toBeUndefined();
    expect(await ifNamesOf('dbnet', 'DEL')).toEqual(['eth0']);
  });

  it('keeps going past failed DELs and throws one AggregateError naming the sandbox and how many failed', async () => {
    await driver.setUpPod(sandbox('dbnet,othernet,thirdnet'));
    await control('dbnet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await control('thirdnet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    const error = await driver.tearDownPod('web-sandbox').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).message).toBe('teardown of sandbox web-sandbox failed for 2 network(s)');
    expect((error as AggregateError).errors.map((e: { code: string }) => e.code)).toEqual(['POD_TEARDOWN_FAILED', 'POD_TEARDOWN_FAILED']);
    expect(await ifNamesOf('othernet', 'DEL')).toEqual(['eth1']);
    expect((await driver.listSandboxes()).flatMap((s) => s.pendingDeletes.map((p) => p.ifName))).toEqual(['eth0', 'eth2']);
  });

  it('retries only the failed DELs on the next teardown', async () => {
    await driver.setUpPod(sandbox('dbnet,othernet'));
    await control('dbnet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await expect(driver.tearDownPod('web-sandbox')).rejects.toBeInstanceOf(AggregateError);
    await control('dbnet', {});
    await expect(driver.tearDownPod('web-sandbox')).resolves.toBeUndefined();
    expect([await ifNamesOf('dbnet', 'DEL'), await ifNamesOf('othernet', 'DEL')]).toEqual([['eth0', 'eth0'], ['eth1']]);
    expect(await driver.listSandboxes()).toEqual([]);
  });
});
