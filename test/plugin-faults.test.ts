/**
 * Faults of plugins, played by the noop fixture through the driver's public API (default
 * executor): each ends in a typed error or a success as libcni would give, with no plugin
 * process left behind and no record of a pod that never got a network.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createNodeSpawnerExecutor, type CniDriver, type PluginExecutor, type PodSandbox } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl, type NoopControl } from './support/noop.ts';
import { isRunning } from './support/processes.ts';

const ALPHA = 'alpha.network.k8s.io/networks';
let dir: string;
let binDir: string;
let drivers: CniDriver[];
let leftovers: number[];
const logOf = (net: string) => join(dir, `${net}.json`);

function openDriver(patch: Partial<Parameters<typeof createCniDriver>[0]> = {}): CniDriver {
  const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [binDir], stateDir: join(dir, 'state'), watch: false, loopback: false, pluginTimeoutMs: 20_000, ...patch });
  drivers.push(driver);
  return driver;
}

const sandbox = (name: string, networks = 'anet'): PodSandbox => ({
  sandboxId: `mnh3-${name}`,
  netns: join(dir, 'netns', name),
  pod: { namespace: 'default', name, uid: `uid-${name}`, annotations: { [ALPHA]: networks } },
});

/** Running, as /proc says; a zombie (killed, not yet reaped) counts as gone. */
/** Waits (a liveness bound, not a timing assertion) until none of `pids` runs; returns those still running. */
async function waitGone(pids: readonly number[]): Promise<number[]> {
  leftovers.push(...pids);
  for (let i = 0; i < 200_000 && pids.some(isRunning); i++) await new Promise((resolve) => setImmediate(resolve));
  return pids.filter(isRunning);
}

const failureOf = async (setUp: Promise<unknown>): Promise<{ code: string; cause: { code: string; message: string; details: Record<string, unknown> } }> =>
  (await setUp.then(
    () => {
      throw new Error('expected the setup to fail');
    },
    (error: unknown) => error,
  )) as never;

async function control(net: string, value: NoopControl): Promise<void> {
  await writeNoopControl(logOf(net), value);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh3-faults-'));
  binDir = join(dir, 'bin');
  drivers = [];
  leftovers = [];
  await mkdir(join(dir, 'net.d'));
  await cp(FIXTURE_PLUGIN_DIR, binDir, { recursive: true });
  for (const net of ['anet', 'bnet']) {
    await writeFile(join(dir, 'net.d', `${net === 'anet' ? 10 : 20}-${net}.conflist`), JSON.stringify({ cniVersion: '1.0.0', name: net, plugins: [{ type: 'noop', debugFile: logOf(net) }] }));
  }
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close({ abort: true })));
  for (const pid of leftovers.filter(isRunning)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('a plugin that hangs', () => {
  it('is killed with its whole process group at the timeout, and the pod fails with PLUGIN_TIMEOUT and no record', async () => {
    await control('anet', { ADD: { sleepMs: 600_000, spawnChild: true } });
    const driver = openDriver({ pluginTimeoutMs: 1_000, killGraceMs: 200 });
    const error = await failureOf(driver.setUpPod(sandbox('hang')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_TIMEOUT' } });
    const [add] = await readNoopLog(logOf('anet'));
    expect(await waitGone([add!.pid, add!.childPid!])).toEqual([]);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('does not hold up the setup of other pods', async () => {
    await control('bnet', { ADD: { sleepMs: 600_000 } });
    const driver = openDriver({ pluginTimeoutMs: 600_000 });
    let hungSettled = false;
    const hung = driver.setUpPod(sandbox('stuck', 'bnet')).finally(() => (hungSettled = true));
    hung.catch(() => undefined);
    while ((await readNoopLog(logOf('bnet'))).length === 0) await new Promise((resolve) => setImmediate(resolve));

    const status = await driver.setUpPod(sandbox('free', 'anet'));

    expect(status.networks.map((n) => n.interface)).toEqual(['eth0']);
    expect(hungSettled).toBe(false);
    await driver.close({ abort: true });
    await expect(hung).rejects.toMatchObject({ code: 'POD_SETUP_FAILED' });
    const [add] = await readNoopLog(logOf('bnet'));
    expect(await waitGone([add!.pid])).toEqual([]);
  });
});

describe('a plugin whose output is broken', () => {
  it('crashing mid-output (killed by a signal after half a result) fails the pod with PLUGIN_FAILED naming the signal', async () => {
    await control('anet', { ADD: { stdout: '{"cniVersion":"1.0.0","interfaces":[{"na', signal: 'SEGV' } });
    const driver = openDriver();
    const error = await failureOf(driver.setUpPod(sandbox('crash')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_FAILED', details: { signal: 'SIGSEGV' } } });
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('panicking mid-output (half a result, exit 2, a Go panic on stderr) fails the pod with PLUGIN_FAILED', async () => {
    await control('anet', { ADD: { stdout: '{"cniVersion":"1.0.0","ips":[{"addre', exitCode: 2, stderr: 'panic: runtime error: index out of range' } });
    const driver = openDriver();
    const error = await failureOf(driver.setUpPod(sandbox('panic')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_FAILED', details: { exitCode: 2 } } });
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('printing garbage with exit 0 fails the pod with PLUGIN_OUTPUT_INVALID', async () => {
    await control('anet', { ADD: { stdout: 'garbage \u0000\u00ff{[' } });
    const error = await failureOf(openDriver().setUpPod(sandbox('garbage')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_OUTPUT_INVALID' } });
  });

  it('printing nothing on ADD with exit 0 fails the pod with a typed error, as libcni fails it', async () => {
    await control('anet', { ADD: { stdout: '' } });
    const driver = openDriver();
    const error = await failureOf(driver.setUpPod(sandbox('empty')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_OUTPUT_INVALID' } });
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('printing far more than the output cap is killed and fails with PLUGIN_OUTPUT_TOO_LARGE, keeping no more than the cap', async () => {
    await control('anet', { ADD: { outputBytes: 64 * 1024 * 1024 } });
    const driver = openDriver();
    const error = await failureOf(driver.setUpPod(sandbox('huge')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_OUTPUT_TOO_LARGE' } });
    // What the error carries of the output is bounded (stdout is not kept on this path).
    expect(JSON.stringify(error.cause).length).toBeLessThan(16 * 1024);
    expect(await driver.listSandboxes()).toEqual([]);
  });

  it('exiting 0 with an error JSON fails the pod with the code the plugin reported', async () => {
    await control('anet', { ADD: { stdout: '{"cniVersion":"1.0.0","code":7,"msg":"bad config","details":"field x"}', exitCode: 0 } });
    const driver = openDriver();
    const error = await failureOf(driver.setUpPod(sandbox('errjson')));
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'INVALID_NETWORK_CONFIG', details: { pluginCode: 7, pluginMsg: 'bad config' } } });
    expect(await driver.listSandboxes()).toEqual([]);
  });
});

describe('a plugin that answers in another cniVersion', () => {
  it('is accepted as libcni accepts it: the pod gets the address of the 0.4.0 result', async () => {
    await control('anet', { ADD: { result: { cniVersion: '0.4.0', interfaces: [{ name: 'eth0' }], ips: [{ version: '4', interface: 0, address: '10.99.0.7/24' }] } } });
    const status = await openDriver().setUpPod(sandbox('oldver'));
    expect(status.networks[0]?.ips).toEqual(['10.99.0.7']);
  });
});

describe('a plugin that leaves a setsid daemon holding its stdout', () => {
  it('returns by its timeout with the result it printed, and the daemon is killed', async () => {
    await control('anet', { ADD: { daemon: true } });
    const status = await openDriver({ pluginTimeoutMs: 20_000 }).setUpPod(sandbox('daemon'));
    expect(status.networks.map((n) => n.interface)).toEqual(['eth0']);
    const [add] = await readNoopLog(logOf('anet'));
    expect(add?.daemonPid).toBeGreaterThan(0);
    expect(await waitGone([add!.daemonPid!])).toEqual([]);
  });
});

describe('a plugin binary being replaced ("text file busy")', () => {
  it('is retried until the writer lets go, as libcni does, and the pod is set up', async () => {
    const writer: { handle?: FileHandle } = { handle: await open(join(binDir, 'noop'), 'r+') };
    const inner = createNodeSpawnerExecutor();
    let busy = 0;
    // Lets go of the binary once a call has met "text file busy", so the retry is certain.
    const executor: PluginExecutor = {
      async execPlugin(request) {
        const outcome = await inner.execPlugin(request);
        if (outcome.spawnError?.code === 'ETXTBSY') {
          busy += 1;
          await writer.handle?.close();
          delete writer.handle;
        }
        return outcome;
      },
      close: () => inner.close!(),
    };
    try {
      const status = await openDriver({ executor }).setUpPod(sandbox('busy'));
      expect(status.networks.map((n) => n.interface)).toEqual(['eth0']);
      expect(busy).toBeGreaterThan(0);
    } finally {
      await writer.handle?.close();
      await inner.close?.();
    }
  });

  it('fails with PLUGIN_SPAWN_FAILED naming ETXTBSY when the binary stays busy; once it is free, teardown leaves nothing', async () => {
    const handle = await open(join(binDir, 'noop'), 'r+');
    const driver = openDriver();
    try {
      const error = await failureOf(driver.setUpPod(sandbox('stillbusy')));
      expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', cause: { code: 'PLUGIN_SPAWN_FAILED', message: expect.stringContaining('ETXTBSY') } });
      expect(await readNoopLog(logOf('anet'))).toEqual([]);
    } finally {
      await handle.close();
    }
    await driver.tearDownPod('mnh3-stillbusy');
    expect(await driver.listSandboxes()).toEqual([]);
  });
});
