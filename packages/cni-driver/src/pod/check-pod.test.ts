/**
 * CHECK of a pod sandbox through the driver, with the fixture noop plugin and namespace paths
 * that do not exist.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecordBook } from '../attach/record-book.ts';
import type { PodRecord } from '../attach/sandbox-record.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import { createStaticObjectSource } from '../objects/static-source.ts';
import { createCniDriver } from './create-cni-driver.ts';
import type { CniDriver } from './driver-api.ts';
import type { PodSandbox } from './pod-types.ts';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';

const PLUGIN_DIR = FIXTURE_PLUGIN_DIR;
const ALPHA = 'alpha.network.k8s.io/networks';

let dir: string;
let confDir: string;
let stateDir: string;
let drivers: CniDriver[];

interface NoopCall {
  command: string;
  env: Record<string, string>;
  stdin: string;
}
const controlOf = (net: string) => join(dir, `${net}.json`);
const checksOf = async (net: string): Promise<NoopCall[]> =>
  (await readFile(`${controlOf(net)}.log`, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as NoopCall)
    .filter((e) => e.command === 'CHECK');
const control = (net: string, value: unknown) => writeFile(controlOf(net), JSON.stringify(value));

function openDriver(): CniDriver {
  const objects = createStaticObjectSource(['dbnet', 'othernet', 'oldnet'].map((name) => ({ namespace: 'default', name })));
  const driver = createCniDriver({ confDir, pluginDirs: [PLUGIN_DIR], stateDir, objectSource: objects, executor: createExecaExecutor(), watch: false, loopback: false });
  drivers.push(driver);
  return driver;
}

const sandbox = (networks: string): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { [ALPHA]: networks } },
});

/** Rewrites the record of a closed driver's sandbox. */
async function rewriteRecord(change: (record: PodRecord) => PodRecord): Promise<void> {
  const book = await openRecordBook(stateDir, SILENT_LOGGER);
  try {
    await book.write(change((await book.read('web-sandbox'))!));
  } finally {
    await book.close();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-check-'));
  confDir = join(dir, 'net.d');
  stateDir = join(dir, 'state');
  await mkdir(confDir);
  for (const [file, name, cniVersion] of [
    ['10-dbnet.conflist', 'dbnet', '1.0.0'],
    ['20-othernet.conflist', 'othernet', '0.4.0'],
    ['30-oldnet.conflist', 'oldnet', '0.3.1'],
  ] as const) {
    await writeFile(join(confDir, file), JSON.stringify({ cniVersion, name, plugins: [{ type: 'noop', debugFile: controlOf(name) }] }));
  }
  drivers = [];
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close({ abort: true })));
  await rm(dir, { recursive: true, force: true });
});

describe('checkPod', () => {
  it('throws UNKNOWN_CONTAINER naming the sandbox when there is no record of it', async () => {
    const error = await openDriver().checkPod('no-such-sandbox').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNKNOWN_CONTAINER', message: 'no record of sandbox no-such-sandbox', details: { containerId: 'no-such-sandbox' } });
  });

  it('CHECKs each attachment of version 0.4.0 and later with its identity and recorded result, and skips older ones', async () => {
    const driver = openDriver();
    const status = await driver.setUpPod(sandbox('dbnet,othernet,oldnet'));
    await driver.checkPod('web-sandbox');
    const [dbnet] = await checksOf('dbnet');
    const [othernet] = await checksOf('othernet');
    expect(await checksOf('oldnet')).toEqual([]);
    expect(dbnet!.env).toMatchObject({ CNI_CONTAINERID: 'web-sandbox', CNI_NETNS: join(dir, 'netns', 'web'), CNI_IFNAME: 'eth0', CNI_ARGS: expect.stringContaining('K8S_POD_NAME=web') });
    expect(othernet!.env).toMatchObject({ CNI_IFNAME: 'eth1' });
    expect(JSON.parse(dbnet!.stdin).prevResult).toEqual(status.networks[0]?.result);
    expect(JSON.parse(othernet!.stdin).prevResult).toEqual(status.networks[1]?.result);
  });

  it('skips an attachment whose DEL failed', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('dbnet,othernet'));
    await control('othernet', { DEL: { errorCode: 11, errorMsg: 'try again' } });
    await driver.reconcilePod(sandbox('dbnet'));
    await control('othernet', {});
    await driver.checkPod('web-sandbox');
    expect((await checksOf('dbnet')).length).toBe(1);
    expect(await checksOf('othernet')).toEqual([]);
  });

  it('throws the first CHECK failure and checks nothing after it', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('dbnet,othernet'));
    await control('dbnet', { CHECK: { errorCode: 11, errorMsg: 'link is down' } });
    await expect(driver.checkPod('web-sandbox')).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER', message: expect.stringContaining('link is down') });
    expect(await checksOf('othernet')).toEqual([]);
  });

  it('reads a recorded result that carries no cniVersion in the attachment\'s version', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('othernet'));
    await first.close();
    await rewriteRecord((record) => ({
      ...record,
      attachments: record.attachments.map(({ result, ...a }) => {
        const { cniVersion: _version, ...rest } = result!;
        return { ...a, result: rest };
      }),
    }));
    await openDriver().checkPod('web-sandbox');
    const [check] = await checksOf('othernet');
    expect(JSON.parse(check!.stdin).prevResult).toMatchObject({ cniVersion: '0.4.0' });
  });

  it('refuses to run plugins in the host\'s namespace with NETNS_UNSAFE', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('dbnet'));
    await first.close();
    await rewriteRecord((record) => ({ ...record, netns: '/proc/self/ns/net' }));
    await expect(openDriver().checkPod('web-sandbox')).rejects.toMatchObject({ code: 'NETNS_UNSAFE' });
    expect(await checksOf('dbnet')).toEqual([]);
  });

  it('stops a CHECK given a signal of its own when the driver is closed with abort', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('dbnet'));
    await control('dbnet', { CHECK: { sleepMs: 3000 } });
    const check = driver.checkPod('web-sandbox', { signal: new AbortController().signal }).catch((e: unknown) => e);
    while ((await checksOf('dbnet')).length === 0) await new Promise((resolve) => setImmediate(resolve));
    await driver.close({ abort: true });
    expect(await check).toMatchObject({ code: expect.any(String) });
  });
});
