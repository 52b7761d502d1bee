/**
 * The driver's shared parts: options, taking the state dir, DEL's result from the record, the
 * result cache, sync and close. Driven through `createDriverCore` and `createCniDriver` with the
 * fixture noop plugin and namespace paths that do not exist.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { open } from 'node:fs/promises';
import { openRecordBook } from '../attach/record-book.ts';
import { SILENT_LOGGER } from '../internal/logger.ts';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import type { DefaultRouteEditor } from '../attach/route-editor.ts';
import { createDriverCore } from './driver-core.ts';
import type { PodSandbox } from './pod-types.ts';
import { FIXTURE_PLUGIN_DIR, readNoopLog } from '../../../../test/support/noop.ts';
import { recordingLogger, useNoopDriverBed } from '../../../../test/support/noop-driver.ts';

const PLUGIN_DIR = FIXTURE_PLUGIN_DIR;
const ALPHA = 'alpha.network.k8s.io/networks';

const bed = useNoopDriverBed({
  prefix: 'multinet-core-',
  confs: [
    ['10-dbnet.conflist', 'dbnet', '1.0.0'],
    ['20-othernet.conflist', 'othernet', '0.4.0'],
  ],
  objects: [
    { namespace: 'default', name: 'dbnet' },
    { namespace: 'default', name: 'othernet' },
    { namespace: 'default', name: 'thick', plugin: 'thick-plugin' },
  ],
});
const { controlOf, writeConf, openDriver } = bed;
const callsOf = async (net: string, command: string) => (await readNoopLog(controlOf(net))).filter((e) => e.command === command);

const sandbox = (name: string, networks: string): PodSandbox => ({
  sandboxId: `${name}-sandbox`,
  netns: join(bed.dir, 'netns', name),
  pod: { namespace: 'default', name, uid: `uid-${name}`, annotations: { [ALPHA]: networks } },
});


const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

/** True when a child of this process runs `flock -x -w …` (waiting for a lock). */
async function hasWaitingFlockChild(): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== process.pid) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (args[0]?.endsWith('flock') && args.includes('-w')) return true;
  }
  return false;
}


describe('options', () => {
  it('refuses a relative stateDir or cacheDir, naming the option', () => {
    expect(() => createDriverCore({ stateDir: 'state' })).toThrow(new TypeError('Expected `stateDir` to be an absolute path, got `"state"`'));
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', cacheDir: 'cache' })).toThrow(new TypeError('Expected `cacheDir` to be an absolute path, got `"cache"`'));
  });

  it('refuses a limit that is not positive, naming the option', () => {
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', maxConcurrentPods: 0 })).toThrow(new TypeError('Expected `maxConcurrentPods` to be a positive number, got `0`'));
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', maxNetworksPerPod: -1, executor: createExecaExecutor() })).toThrow(
      new TypeError('Expected `maxNetworksPerPod` to be a positive number, got `-1`'),
    );
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses lockWaitMs %s', (lockWaitMs) => {
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', lockWaitMs })).toThrow(
      new TypeError(`Expected \`lockWaitMs\` to be a non-negative number, got \`${JSON.stringify(lockWaitMs)}\``),
    );
  });

  it.each([0, 1, 2500])('accepts lockWaitMs %s', (lockWaitMs) => {
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', lockWaitMs, executor: createExecaExecutor() })).not.toThrow();
  });

  it('accepts the two durabilities and refuses any other', () => {
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', durability: 'power-loss', executor: createExecaExecutor() })).not.toThrow();
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', durability: 'process-crash', executor: createExecaExecutor() })).not.toThrow();
    expect(() => createDriverCore({ stateDir: '/var/lib/multinet', durability: 'fsync' as 'power-loss' })).toThrow(
      new TypeError('Expected `durability` to be "power-loss" or "process-crash", got `"fsync"`'),
    );
  });

  it('defaults to /etc/cni/net.d, /opt/cni/bin, loopback, 64 networks per pod and no kubeconfig', () => {
    const core = createDriverCore({ stateDir: '/var/lib/multinet', executor: createExecaExecutor() });
    expect([core.confDir, core.cni.context.pluginDirs, core.loopback, core.maxNetworksPerPod, core.kubeconfig]).toEqual(['/etc/cni/net.d', ['/opt/cni/bin'], true, 64, undefined]);
  });

  it('keeps the dirs, loopback, limit and kubeconfig it is given', () => {
    const core = createDriverCore({
      stateDir: '/var/lib/multinet',
      confDir: '/srv/net.d',
      pluginDirs: ['/srv/bin', '/srv/bin2'],
      loopback: false,
      maxNetworksPerPod: 3,
      kubeconfig: '/srv/kubeconfig',
      executor: createExecaExecutor(),
    });
    expect([core.confDir, core.stateDir, core.cni.context.pluginDirs, core.loopback, core.maxNetworksPerPod, core.kubeconfig]).toEqual([
      '/srv/net.d',
      '/var/lib/multinet',
      ['/srv/bin', '/srv/bin2'],
      false,
      3,
      '/srv/kubeconfig',
    ]);
  });

  it('runs plugins with the executor it is given', () => {
    const executor = createExecaExecutor();
    expect(createDriverCore({ stateDir: '/var/lib/multinet', executor }).cni.context.executor).toBe(executor);
  });

  it('logs through a child of the given logger, tagged cni-driver', () => {
    const { calls, logger } = recordingLogger();
    createDriverCore({ stateDir: '/var/lib/multinet', executor: createExecaExecutor(), logger }).logger.warn({ x: 1 }, 'hello');
    expect(calls).toEqual([{ level: 'warn', obj: { component: 'cni-driver', x: 1 }, msg: 'hello' }]);
  });
});

describe('taking the state dir', () => {
  it.each([['pods'], ['records'], ['cache'], [join('cache', 'results')]])('refuses a group-writable %s dir under the state dir with STATE_DIR_UNSAFE', async (sub) => {
    await mkdir(join(bed.stateDir, sub), { recursive: true, mode: 0o700 });
    await chmod(join(bed.stateDir, sub), 0o777);
    const driver = openDriver();
    await expect(driver.listSandboxes()).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE', message: expect.stringContaining(join(bed.stateDir, sub)) });
  });

  it('checks the results dir of a cacheDir of its own', async () => {
    const cacheDir = join(bed.dir, 'cache');
    await mkdir(join(cacheDir, 'results'), { recursive: true, mode: 0o700 });
    await chmod(join(cacheDir, 'results'), 0o777);
    await expect(openDriver({ cacheDir }).listSandboxes()).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE', message: expect.stringContaining(join(cacheDir, 'results')) });
  });

  it('removes the temp files of interrupted writes in the state dir and the results dir, and says so', async () => {
    await mkdir(join(bed.stateDir, 'cache', 'results'), { recursive: true, mode: 0o700 });
    await writeFile(join(bed.stateDir, '.owner.json.1234.tmp'), '{');
    await writeFile(join(bed.stateDir, 'cache', 'results', '.dbnet-web-eth0.5678.tmp'), '{');
    const { calls, logger } = recordingLogger();
    await openDriver({ logger }).listSandboxes();
    expect(await exists(join(bed.stateDir, '.owner.json.1234.tmp'))).toBe(false);
    expect(await exists(join(bed.stateDir, 'cache', 'results', '.dbnet-web-eth0.5678.tmp'))).toBe(false);
    expect(calls.filter((c) => c.msg === 'removed temp files of interrupted writes').map((c) => (c.obj['files'] as string[]).sort())).toEqual([['.dbnet-web-eth0.5678.tmp', '.owner.json.1234.tmp']]);
  });

  it('logs nothing about temp files when there were none', async () => {
    const { calls, logger } = recordingLogger();
    await openDriver({ logger }).listSandboxes();
    expect(calls.filter((c) => c.level === 'info' || c.level === 'warn')).toEqual([]);
  });

  it('kills the plugins a dead owner left holding the lock once the kill grace is over, and warns with their pids', async () => {
    await mkdir(bed.stateDir, { mode: 0o700 });
    await writeFile(join(bed.stateDir, 'lock'), '', { mode: 0o600 });
    await writeFile(join(bed.stateDir, 'owner'), JSON.stringify({ pid: 2 ** 22 + 1, startTime: '1', hostname: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    // Would end by itself within the default grace (2 s), not within the driver's 200 ms.
    const orphan = spawn('flock', ['-x', join(bed.stateDir, 'lock'), '-c', 'echo locked; exec sleep 1'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = once(orphan, 'exit');
    try {
      await once(orphan.stdout!, 'data');
      const { calls, logger } = recordingLogger();
      await openDriver({ logger, killGraceMs: 200 }).listSandboxes();
      const warnings = calls.filter((c) => c.msg === 'killed plugins a dead owner of the state dir left running');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.obj['pids']).toContain(orphan.pid);
      await exited;
    } finally {
      if (orphan.exitCode === null && orphan.signalCode === null) process.kill(-orphan.pid!, 'SIGKILL');
    }
  });

  it('lets the plugins a dead owner left finish within the kill grace, and kills none of them', async () => {
    await mkdir(bed.stateDir, { mode: 0o700 });
    await writeFile(join(bed.stateDir, 'lock'), '', { mode: 0o600 });
    await writeFile(join(bed.stateDir, 'owner'), JSON.stringify({ pid: 2 ** 22 + 1, startTime: '1', hostname: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const done = join(bed.stateDir, 'orphan-done');
    // Still in its work (an IPAM plugin between creating a lease and writing its owner) when the new owner starts.
    const orphan = spawn('flock', ['-x', join(bed.stateDir, 'lock'), '-c', `echo locked; sleep 0.5; echo done > ${done}`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = once(orphan, 'exit');
    try {
      await once(orphan.stdout!, 'data');
      const { calls, logger } = recordingLogger();
      await openDriver({ logger, killGraceMs: 30_000 }).listSandboxes();
      expect(calls.filter((c) => c.msg === 'killed plugins a dead owner of the state dir left running')).toEqual([]);
      expect(await readFile(done, 'utf8')).toBe('done\n');
      expect(await exited).toEqual([0, null]);
    } finally {
      if (orphan.exitCode === null && orphan.signalCode === null) process.kill(-orphan.pid!, 'SIGKILL');
    }
  });

  it('takes the state dir once for every operation', async () => {
    const driver = openDriver();
    await Promise.all([driver.listSandboxes(), driver.setUpPod(sandbox('a', 'dbnet')), driver.setUpPod(sandbox('b', 'dbnet'))]);
    expect((await driver.listSandboxes()).map((s) => s.sandboxId).sort()).toEqual(['a-sandbox', 'b-sandbox']);
  });

  it('tries again to take a state dir that was locked when the last try failed', async () => {
    const first = openDriver();
    await first.listSandboxes();
    const second = openDriver();
    await expect(second.listSandboxes()).rejects.toMatchObject({ code: 'STATE_DIR_LOCKED' });
    await first.close();
    await expect(second.listSandboxes()).resolves.toEqual([]);
  });

  it('waits up to lockWaitMs for the owner of the state dir to let go', async () => {
    const first = openDriver();
    await first.listSandboxes();
    const second = openDriver({ lockWaitMs: 60_000 });
    let settled = false;
    const taken = second.listSandboxes().then(
      (list) => ({ list }),
      (error: unknown) => ({ error }),
    );
    void taken.then(() => (settled = true));
    // The second driver waits in `flock -w` (a child of this process) until the first lets go.
    while (!settled && !(await hasWaitingFlockChild())) await new Promise((resolve) => setImmediate(resolve));
    await first.close();
    expect(await taken).toEqual({ list: [] });
  });

  it('lets go of the lock when the records cannot be opened, and fails with why', async () => {
    await mkdir(join(bed.stateDir, 'records', 'records-1.log'), { recursive: true, mode: 0o700 });
    const broken = await openDriver().listSandboxes().catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(Error);
    expect(broken).not.toBeInstanceOf(TypeError);
    await rm(join(bed.stateDir, 'records', 'records-1.log'), { recursive: true });
    await expect(openDriver().listSandboxes()).resolves.toEqual([]);
  });

  it('negotiates the version of a thick plugin with the chain of the owner', async () => {
    const driver = openDriver();
    const status = await driver.setUpPod(sandbox('web', 'thick'));
    expect(status.networks.map((n) => [n.name, n.interface])).toEqual([['default/thick', 'eth0']]);
  });
});

describe('default routes', () => {
  it('changes default routes with the editor it is given', async () => {
    const calls: string[] = [];
    const defaultRouteEditor: DefaultRouteEditor = {
      async deleteDefaultRoutes(netns, ifName, families) {
        calls.push(`del ${netns} ${ifName} ${families.join(',')}`);
      },
      async addDefaultRoutes(netns, ifName, gateways) {
        calls.push(`add ${netns} ${ifName} ${gateways.join(',')}`);
      },
    };
    await writeFile(join(bed.dir, 'fake-netns'), '');
    const web = sandbox('web', '');
    const annotations = { 'k8s.v1.cni.cncf.io/networks': '[{"name":"othernet","default-route":["10.250.200.1"]}]' };
    await openDriver({ defaultRouteEditor }).setUpPod({ ...web, netns: join(bed.dir, 'fake-netns'), pod: { ...web.pod, annotations } });
    expect(calls).toEqual([`del ${join(bed.dir, 'fake-netns')} eth0 4,6`, `del ${join(bed.dir, 'fake-netns')} net1 4,6`, `add ${join(bed.dir, 'fake-netns')} net1 10.250.200.1`]);
  });
});

describe('DEL takes the ADD result from the pod record', () => {
  it('gives each DEL the result of its own attachment', async () => {
    const driver = openDriver();
    const status = await driver.setUpPod(sandbox('web', 'dbnet@eth0,dbnet@net1'));
    const ipOf = Object.fromEntries(status.networks.map((n) => [n.interface, n.ips[0]]));
    expect(ipOf['net1']).not.toBe(ipOf['eth0']);
    await driver.tearDownPod('web-sandbox');
    const dels = (await callsOf('dbnet', 'DEL')).map((d) => [d.env['CNI_IFNAME'], (JSON.parse(d.stdin) as { prevResult?: { ips: Array<{ address: string }> } }).prevResult?.ips[0]?.address]);
    expect(dels).toEqual([
      ['net1', `${ipOf['net1']}/17`],
      ['eth0', `${ipOf['eth0']}/17`],
    ]);
  });

  it('gives DEL the result in the config\'s version', async () => {
    const driver = openDriver();
    await driver.setUpPod(sandbox('web', 'othernet'));
    await driver.tearDownPod('web-sandbox');
    const [del] = await callsOf('othernet', 'DEL');
    expect(JSON.parse(del!.stdin).prevResult).toMatchObject({ cniVersion: '0.4.0', ips: [expect.objectContaining({ version: '4' })] });
  });

  it('runs DEL without a prevResult, and warns, when the recorded result does not parse', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('web', 'dbnet'));
    await first.close();
    const book = await openRecordBook(bed.stateDir, SILENT_LOGGER);
    const record = (await book.read('web-sandbox'))!;
    await book.write({ ...record, attachments: record.attachments.map((a) => ({ ...a, result: { cniVersion: '1.0.0', ips: 'not a list' } })) });
    await book.close();
    const { calls, logger } = recordingLogger();
    await openDriver({ logger }).tearDownPod('web-sandbox');
    const [del] = await callsOf('dbnet', 'DEL');
    expect(JSON.parse(del!.stdin)).not.toHaveProperty('prevResult');
    expect(calls.filter((c) => c.msg === 'DEL goes on without the unusable result of the pod record').map((c) => [c.obj['network'], c.obj['ifName'], (c.obj['err'] as { code?: string }).code])).toEqual([
      ['dbnet', 'eth0', 'RESULT_INVALID'],
    ]);
    expect(calls.find((c) => c.level === 'warn')?.obj['err']).toMatchObject({ message: expect.stringMatching(/^result from the pod record is not a valid 1\.0\.0 result/) });
  });

  it('runs DEL without a prevResult, and without a warning, for an attachment recorded without a result', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('web', 'dbnet'));
    await first.close();
    const book = await openRecordBook(bed.stateDir, SILENT_LOGGER);
    const record = (await book.read('web-sandbox'))!;
    await book.write({ ...record, attachments: record.attachments.map(({ result: _result, ...a }) => a) });
    await book.close();
    const { calls, logger } = recordingLogger();
    await openDriver({ logger, libcniCache: true }).tearDownPod('web-sandbox');
    const [del] = await callsOf('dbnet', 'DEL');
    expect(JSON.parse(del!.stdin)).not.toHaveProperty('prevResult');
    expect(calls.filter((c) => c.level === 'warn')).toEqual([]);
  });
});

describe('plugin paths', () => {
  it('tears down an attachment whose plugin left the bin dir with a CniError, not a crash', async () => {
    const binDir = join(bed.dir, 'bin');
    await mkdir(binDir);
    await copyFile(join(PLUGIN_DIR, 'noop'), join(binDir, 'noop'));
    const driver = openDriver({ pluginDirs: [binDir] });
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await rm(join(binDir, 'noop'));
    await driver.sync();
    const error = (await driver.tearDownPod('web-sandbox').catch((e: unknown) => e)) as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors).toEqual([expect.objectContaining({ code: 'POD_TEARDOWN_FAILED', cause: expect.objectContaining({ code: expect.any(String) }) })]);
  });
});

describe('the libcni result cache', () => {
  it('is not written unless asked for', async () => {
    await openDriver().setUpPod(sandbox('web', 'dbnet'));
    expect(await readdir(join(bed.stateDir, 'cache', 'results')).catch(() => [])).toEqual([]);
  });

  it('is written when asked for, and a sandbox whose record was lost is torn down from it', async () => {
    const first = openDriver({ libcniCache: true });
    await first.setUpPod(sandbox('web', 'dbnet'));
    expect(await readdir(join(bed.stateDir, 'cache', 'results'))).toHaveLength(1);
    const [add] = await callsOf('dbnet', 'ADD');
    await first.close();
    await rm(join(bed.stateDir, 'records'), { recursive: true });
    await openDriver({ libcniCache: true }).tearDownPod('web-sandbox');
    const [del] = await callsOf('dbnet', 'DEL');
    expect(del!.env['CNI_IFNAME']).toBe(add!.env['CNI_IFNAME']);
    expect(JSON.parse(del!.stdin).prevResult).toMatchObject({ cniVersion: '1.0.0', ips: [expect.objectContaining({ address: expect.any(String) })] });
  });
});

/** Counts `FileHandle` sync and datasync calls from now on (restored in afterEach). */
async function countSyncs(): Promise<{ count: number }> {
  const probe = await open(bed.dir, 'r');
  const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void>; datasync: () => Promise<void> };
  await probe.close();
  const counter = { count: 0 };
  for (const method of ['sync', 'datasync'] as const) {
    const original = prototype[method];
    vi.spyOn(prototype, method).mockImplementation(function (this: unknown) {
      counter.count += 1;
      return original.call(this);
    });
  }
  return counter;
}

describe('durability', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('syncs no file to disk for a setup under process-crash durability, the result cache included', async () => {
    const driver = openDriver({ durability: 'process-crash', libcniCache: true });
    await driver.listSandboxes();
    const syncs = await countSyncs();
    await driver.setUpPod(sandbox('web', 'dbnet'));
    expect(await readdir(join(bed.stateDir, 'cache', 'results'))).toHaveLength(1);
    expect(syncs.count).toBe(0);
  });
});

describe('sync', () => {
  it('reports no change when neither the catalog nor the objects changed, and a change of the objects alone', async () => {
    const driver = openDriver();
    await driver.sync();
    expect((await driver.sync()).changed).toBe(false);
    bed.objects.setNetwork({ namespace: 'default', name: 'newnet' });
    expect((await driver.sync()).changed).toBe(true);
  });

  it('reports no change of a driver without an object source when its catalog did not change', async () => {
    const driver = openDriver({ objectSource: undefined });
    expect((await driver.sync()).changed).toBe(true);
    expect((await driver.sync()).changed).toBe(false);
  });
});

describe('close', () => {
  it('leaves an executor it was given open, and has it let go of the lock\'s descriptor', async () => {
    const inner = createExecaExecutor();
    const events: string[] = [];
    const executor: PluginExecutor = {
      execPlugin: (request) => inner.execPlugin(request),
      close: async () => void events.push('close'),
      releaseFence: async (fd) => void events.push(`releaseFence ${typeof fd}`),
    };
    const driver = openDriver({ executor });
    await driver.setUpPod(sandbox('web', 'dbnet'));
    await driver.close();
    expect(events).toEqual(['releaseFence number']);
  });

  it('closes a driver that never took its state dir, with an executor that has no releaseFence', async () => {
    const driver = openDriver();
    await expect(driver.close()).resolves.toBeUndefined();
    const used = openDriver();
    await used.listSandboxes();
    await expect(used.close()).resolves.toBeUndefined();
  });

  it('asks nothing of the executor when closing a driver that never took its state dir', async () => {
    const events: string[] = [];
    const executor: PluginExecutor = {
      execPlugin: () => Promise.reject(new Error('not expected')),
      close: async () => void events.push('close'),
      releaseFence: async () => void events.push('releaseFence'),
    };
    await expect(openDriver({ executor }).close()).resolves.toBeUndefined();
    expect(events).toEqual([]);
  });

  it('closes a driver whose taking of the state dir failed', async () => {
    const first = openDriver();
    await first.listSandboxes();
    const second = openDriver();
    await expect(second.listSandboxes()).rejects.toMatchObject({ code: 'STATE_DIR_LOCKED' });
    await expect(second.close()).resolves.toBeUndefined();
  });

  it('stops a reconcile given a signal of its own when the driver is closed with abort', async () => {
    await writeFile(controlOf('dbnet'), JSON.stringify({ ADD: { sleepMs: 3000 } }));
    const driver = openDriver();
    const setup = driver.setUpPod(sandbox('web', 'dbnet'), { signal: new AbortController().signal }).catch((e: unknown) => e);
    while ((await callsOf('dbnet', 'ADD')).length === 0) await new Promise((resolve) => setImmediate(resolve));
    await driver.close({ abort: true });
    expect(await setup).toMatchObject({ code: 'POD_SETUP_FAILED' });
  });
});
