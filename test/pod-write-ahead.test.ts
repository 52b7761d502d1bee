/**
 * What the driver writes before it acts, and what it does when it cannot write: the record of a
 * step is in the log before the step's plugin starts, rollback DELs in exact reverse order, and a
 * state dir that cannot take a write fails the pod before any plugin runs. Fixture plugins, fake
 * namespaces; the full-disk case on a real tiny tmpfs (root).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readRecordLog } from '@multinet/checkpoint';
import { createCniDriver, createExecaExecutor, parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION, type CniDriver, type PluginExecRequest, type PluginExecutor, type PodRecord } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';

const run = promisify(execFile);
let dir: string;
let confDir: string;
let stateDir: string;
let drivers: CniDriver[];
const mounts: string[] = [];

const logOf = (net: string) => join(dir, `${net}.json`);
const ALPHA = 'alpha.network.k8s.io/networks';

/** An executor that runs plugins for real and lets the test look at each request first. */
function watchingExecutor(onRequest: (request: PluginExecRequest) => Promise<void> | void): PluginExecutor {
  const inner = createExecaExecutor();
  return { execPlugin: async (request) => (await onRequest(request), inner.execPlugin(request)) };
}

function openDriver(executor: PluginExecutor, state = stateDir): CniDriver {
  const driver = createCniDriver({ confDir, pluginDirs: [FIXTURE_PLUGIN_DIR], stateDir: state, executor, watch: false, loopback: false });
  drivers.push(driver);
  return driver;
}

const sandbox = (name: string, networks: string) => ({
  sandboxId: `${name}-sandbox`,
  netns: join(dir, 'netns', name),
  pod: { namespace: 'default', name, uid: `uid-${name}`, annotations: { [ALPHA]: networks } },
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-write-ahead-'));
  confDir = join(dir, 'net.d');
  stateDir = join(dir, 'state');
  await mkdir(confDir);
  for (const [i, name] of ['neta', 'netb', 'netc'].entries()) {
    await writeFile(join(confDir, `${10 + i}-${name}.conflist`), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop', debugFile: logOf(name) }] }));
  }
  drivers = [];
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  for (const mount of mounts.splice(0)) await run('umount', [mount]).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('write-ahead', () => {
  it('has each ADD\'s intent in the record log on disk before the plugin starts', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const executor = watchingExecutor(async (request) => {
      if (request.env['CNI_COMMAND'] !== 'ADD') return;
      // Read the log as a restarted runtime would (lock-free, from the disk).
      const { records } = await readRecordLog<PodRecord>({ dir: join(stateDir, 'records'), kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
      const attachment = records.find((r) => r.key === 'web-sandbox')?.value.attachments.find((a) => a.ifName === request.env['CNI_IFNAME']);
      seen.push([request.env['CNI_IFNAME']!, attachment?.state]);
    });
    await openDriver(executor).setUpPod(sandbox('web', 'neta,netb,netc'));
    expect(seen).toEqual([
      ['eth0', 'adding'],
      ['eth1', 'adding'],
      ['eth2', 'adding'],
    ]);
  });

  it('rolls a failed first setup back in exact reverse order: the failed ADD first, then the ones before it', async () => {
    await writeNoopControl(logOf('netc'), { ADD: { errorCode: 7, errorMsg: 'no thanks' } });
    const calls: string[] = [];
    const executor = watchingExecutor((request) => void calls.push(`${request.env['CNI_COMMAND']} ${request.env['CNI_IFNAME']}`));
    await expect(openDriver(executor).setUpPod(sandbox('web', 'neta,netb,netc'))).rejects.toMatchObject({ code: 'POD_SETUP_FAILED' });
    expect(calls).toEqual(['ADD eth0', 'ADD eth1', 'ADD eth2', 'DEL eth2', 'DEL eth1', 'DEL eth0']);
  });
});

describe('a reconcile that changes nothing', () => {
  it('writes nothing: the level-triggered loop reconciles every pod every turn', async () => {
    const driver = openDriver(createExecaExecutor());
    await driver.setUpPod(sandbox('web', 'neta,netb'));
    const logBytes = async () => {
      const names = await readdir(join(stateDir, 'records'));
      return (await Promise.all(names.filter((n) => n.endsWith('.log')).map(async (n) => (await stat(join(stateDir, 'records', n))).size))).reduce((a, b) => a + b, 0);
    };
    const before = await logBytes();
    for (let turn = 0; turn < 3; turn++) await driver.reconcilePod(sandbox('web', 'neta,netb'));
    expect(await logBytes()).toBe(before);
    // A real change is written.
    await driver.reconcilePod(sandbox('web', 'neta'));
    expect(await logBytes()).toBeGreaterThan(before);
  });
});

describe('a first setup blocked by a DEL that keeps failing', () => {
  it('records no copy of the ADDs it never started: retrying leaves the record as it was', async () => {
    await writeNoopControl(logOf('neta'), { ADD: { errorCode: 7, errorMsg: 'no' }, DEL: { errorCode: 11, errorMsg: 'busy' } });
    const driver = openDriver(createExecaExecutor());
    const attachmentsOnDisk = async () => {
      const { records } = await readRecordLog<PodRecord>({ dir: join(stateDir, 'records'), kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
      return records.find((r) => r.key === 'web-sandbox')?.value.attachments.map((a) => `${a.ifName} ${a.state}`);
    };
    await expect(driver.setUpPod(sandbox('web', 'neta,netb'))).rejects.toMatchObject({ code: 'POD_SETUP_FAILED' });
    const first = await attachmentsOnDisk();
    expect(first).toEqual(['eth0 del-failed']);
    for (let retry = 0; retry < 3; retry++) {
      await expect(driver.setUpPod(sandbox('web', 'neta,netb'))).rejects.toMatchObject({ code: 'POD_SETUP_FAILED' });
      expect(await attachmentsOnDisk()).toEqual(first);
    }
    // Once the DEL works, the pod comes up.
    await writeNoopControl(logOf('neta'), {});
    await expect(driver.setUpPod(sandbox('web', 'neta,netb'))).resolves.toMatchObject({ networks: [expect.objectContaining({ interface: 'eth0' }), expect.objectContaining({ interface: 'eth1' })] });
  });
});

describe('a state dir that cannot take a write', () => {
  it('fails the pod with RECORD_WRITE_FAILED before any plugin runs, and works once there is room', async () => {
    // A real full filesystem: a 1 MiB tmpfs, filled up after the driver opened its log.
    const small = join(dir, 'small');
    await mkdir(small, { mode: 0o700 });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'mnwa-tmpfs', small]);
    mounts.push(small);
    const state = join(small, 'state');
    const driver = openDriver(createExecaExecutor(), state);
    await driver.listSandboxes();
    const filler = join(small, 'filler');
    await run('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=64']).catch(() => undefined); // stops at ENOSPC
    const error = await driver.setUpPod(sandbox('web', 'neta,netb')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RECORD_WRITE_FAILED', message: expect.stringContaining('web-sandbox') });
    expect(await readNoopLog(logOf('neta'))).toEqual([]);
    await unlink(filler);
    const status = await driver.setUpPod(sandbox('web', 'neta,netb'));
    expect(status.networks.map((n) => n.interface)).toEqual(['eth0', 'eth1']);
  });
});
