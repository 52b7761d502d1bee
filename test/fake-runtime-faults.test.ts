/**
 * Fault injection in the fake runtime, with the real noop plugin and fake namespaces: a network's
 * plugin fails, hangs or is killed on a chosen call, seeded faults hit the same calls every run,
 * and a crash point stops the runtime mid-turn so that a restart must finish what it left.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, isFakeRuntimeError, readStateDir, type FakeRuntime, type FakeRuntimeOptions, type InjectedFault } from '@multinet/fake-runtime';
import { FIXTURE_PLUGIN_DIR, readNoopLog, writeNoopControl } from './support/noop.ts';

const ALPHA = 'alpha.network.k8s.io/networks';
let dir: string;
let runtime: FakeRuntime | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-faults-'));
  await mkdir(join(dir, 'net.d'));
  for (const [file, name] of [['10-podnet.conflist', 'podnet'], ['20-dbnet.conflist', 'dbnet']] as const) {
    await writeFile(join(dir, 'net.d', file), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop', debugFile: join(dir, `${name}.control`) }] }));
    await writeNoopControl(join(dir, `${name}.control`), {});
  }
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function open(options: Partial<FakeRuntimeOptions> = {}): Promise<FakeRuntime> {
  runtime = await createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], netns: 'fake', watch: false, loopback: false, ...options });
  return runtime;
}

/** The verbs the noop of `network` really ran, in order. */
async function verbsRun(network: string): Promise<string[]> {
  return (await readNoopLog(join(dir, `${network}.control`))).map((entry) => entry.command);
}

function collectFaults(target: FakeRuntime): InjectedFault[] {
  const faults: InjectedFault[] = [];
  target.on('faultInjected', (fault) => faults.push(fault));
  return faults;
}

describe('plugin faults', () => {
  it('fails the chosen ADD of a network without running its plugin, and the next sync sets the pod up', async () => {
    const rt = await open({ faults: { plugins: [{ network: 'dbnet', command: 'ADD', nth: 1, action: 'fail', code: 11, msg: 'dbnet is not ready' }] } });
    const faults = collectFaults(rt);
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });

    await rt.syncOnce();

    expect(faults).toEqual([{ network: 'dbnet', command: 'ADD', pod: 'default/web', nth: 1, action: 'fail' }]);
    expect(rt.podStatus('default/web')?.error?.code).toBe('POD_SETUP_FAILED');
    expect(rt.podStatus('default/web')?.error?.message).toContain('dbnet is not ready');
    // SPEC: a failed ADD is followed by its DEL; the faulty ADD itself never reached the plugin.
    expect(await verbsRun('dbnet')).toEqual(['DEL']);

    await rt.syncOnce();
    expect(rt.podStatus('default/web')?.error).toBeNull();
    expect(rt.podStatus('default/web')?.networks.map((n) => n.name)).toEqual(['default/podnet', 'default/dbnet']);
  });

  it('makes a hanging plugin end as the driver ends a real one that hangs: PLUGIN_TIMEOUT', async () => {
    // The timeout bounds every call, the rollback's DEL too: 100 ms killed that DEL before it ran
    // on a loaded machine (Stryker's dry run beside another); 1.5 s is the hang's whole cost.
    const rt = await open({ pluginTimeoutMs: 1500, faults: { plugins: [{ network: 'dbnet', command: 'ADD', nth: 1, action: 'hang' }] } });
    const failed = rt.waitFor('podSetUpFailed');
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });

    await rt.syncOnce();

    const [, error] = await failed;
    expect(error.code).toBe('POD_SETUP_FAILED');
    const record = (await readStateDir(join(dir, 'state')))!;
    expect(record.sandboxes.flatMap((s) => s.attachments)).toEqual([]);
    expect(await verbsRun('dbnet')).toEqual(['DEL']);
  });

  it('runs a killed DEL for real but loses its outcome, so the DEL stays pending and is retried', async () => {
    const rt = await open({ faults: { plugins: [{ network: 'dbnet', command: 'DEL', nth: 1, action: 'kill' }] } });
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });
    await rt.syncOnce();
    rt.api.deletePod('default/web');

    const first = await rt.syncOnce();

    expect(first.teardownFailed.map((f) => f.pod)).toEqual(['default/web']);
    expect(await verbsRun('dbnet')).toEqual(['ADD', 'DEL']);
    const pending = (await readStateDir(join(dir, 'state')))!.sandboxes[0]!.pendingDeletes;
    expect(pending).toEqual([expect.objectContaining({ network: 'default/dbnet', state: 'del-failed', delAttempts: 1 })]);

    const second = await rt.syncOnce();
    expect(second.tornDown).toEqual(['default/web']);
    expect(await verbsRun('dbnet')).toEqual(['ADD', 'DEL', 'DEL']);
  });

  it('hits the same calls for the same seed in every run, whatever the order of the pods', async () => {
    const plan = { seed: 42, plugins: [{ network: 'podnet', command: 'ADD' as const, probability: 0.5, action: 'fail' as const }] };
    const hitPods = async (names: string[]): Promise<string[]> => {
      const rt = await open({ faults: plan });
      const faults = collectFaults(rt);
      for (const name of names) rt.api.addPod({ name, annotations: { [ALPHA]: 'podnet' } });
      await rt.syncOnce();
      await rt.close();
      runtime = undefined;
      await rm(join(dir, 'state'), { recursive: true, force: true });
      return faults.map((f) => f.pod!).sort();
    };
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

    const first = await hitPods(names);
    const second = await hitPods([...names].reverse());

    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(names.length);
  });
});

describe('crashes', () => {
  it('crashes after the chosen ADD ran: the record keeps the ADD as adding, and a restart undoes and redoes it', async () => {
    const rt = await open({ faults: { crash: { network: 'dbnet', command: 'ADD', nth: 1, when: 'after' } } });
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });

    const error = await rt.syncOnce().catch((e: unknown) => e);

    expect(isFakeRuntimeError(error) && error.code).toBe('RUNTIME_CRASHED');
    expect(rt.crashed).toBe(true);
    expect(await verbsRun('dbnet')).toEqual(['ADD']);
    const [sandbox] = (await readStateDir(join(dir, 'state')))!.sandboxes;
    expect(sandbox!.attachments.map((a) => [a.network, a.state])).toEqual([['default/podnet', 'added'], ['default/dbnet', 'adding']]);

    await rt.restart();
    await rt.syncOnce();

    expect(rt.crashed).toBe(false);
    expect(await verbsRun('dbnet')).toEqual(['ADD', 'DEL', 'ADD']);
    expect(rt.podStatus('default/web')?.error).toBeNull();
    expect(rt.podStatus('default/web')?.networks.map((n) => n.name)).toEqual(['default/podnet', 'default/dbnet']);
  });

  it('crashes before the chosen DEL started: the DEL is never run until a restart finishes the teardown', async () => {
    const rt = await open({ faults: { crash: { network: 'dbnet', command: 'DEL', nth: 1, when: 'before' } } });
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });
    await rt.syncOnce();
    rt.api.deletePod('default/web');

    await expect(rt.syncOnce()).rejects.toMatchObject({ code: 'RUNTIME_CRASHED', details: { network: 'dbnet', command: 'DEL', nth: 1 } });
    expect(await verbsRun('dbnet')).toEqual(['ADD']);
    const [sandbox] = (await readStateDir(join(dir, 'state')))!.sandboxes;
    // The teardown's intent is durable before its first DEL: every attachment is `deleting`.
    expect(sandbox!.pendingDeletes.map((a) => [a.network, a.state])).toEqual([['default/podnet', 'deleting'], ['default/dbnet', 'deleting']]);

    await rt.restart();
    const report = await rt.syncOnce();

    expect(report.tornDown).toEqual(['default/web']);
    expect(await verbsRun('dbnet')).toEqual(['ADD', 'DEL']);
    expect(await rt.sandboxes()).toEqual([]);
  });

  it('crashes at a step a test chooses with crash(), refuses syncs until restarted, and frees the state dir for the new driver', async () => {
    const rt = await open();
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });
    rt.once('attachmentAdded', () => rt.crash());
    const crashed = rt.waitFor('crashed');

    await expect(rt.syncOnce()).rejects.toMatchObject({ code: 'RUNTIME_CRASHED' });
    await crashed;
    await expect(rt.syncOnce()).rejects.toMatchObject({ code: 'RUNTIME_CRASHED' });

    await rt.restart();
    await rt.syncOnce();
    expect(rt.podStatus('default/web')?.networks.map((n) => n.name)).toEqual(['default/podnet', 'default/dbnet']);
    expect((await readStateDir(join(dir, 'state')))!.owner).toMatchObject({ pid: process.pid, alive: true });
  });

  it('closes a crashed runtime without waiting for its dead driver', async () => {
    const rt = await open({ faults: { plugins: [{ network: 'dbnet', command: 'ADD', nth: 1, action: 'hang' }] } });
    rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet' } });
    rt.once('faultInjected', () => rt.crash());

    await expect(rt.syncOnce()).rejects.toMatchObject({ code: 'RUNTIME_CRASHED' });
    await rt.close();
    runtime = undefined;

    // The state dir is free: another runtime takes it.
    const next = await open();
    await next.syncOnce();
  });
});

describe('fault plan validation', () => {
  it.each([
    [{ plugins: [{ network: 'dbnet', command: 'ADD', action: 'fail' }] }, 'Expected `faults.plugins[0]` to have either `nth` or `probability`'],
    [{ plugins: [{ network: 'dbnet', command: 'ADD', action: 'fail', nth: 0 }] }, 'Expected `faults.plugins[0].nth` to be a call number from 1'],
    [{ plugins: [{ network: 'dbnet', command: 'VERSION', action: 'fail', nth: 1 }] }, 'Expected `faults.plugins[0].command` to be ADD, DEL or CHECK'],
    [{ plugins: [{ network: 'dbnet', command: 'ADD', action: 'explode', nth: 1 }] }, 'Expected `faults.plugins[0].action` to be fail, hang or kill'],
    [{ plugins: [{ network: 'dbnet', command: 'ADD', action: 'fail', probability: 2 }] }, 'Expected `faults.plugins[0].probability` to be between 0 and 1'],
    [{ crash: { network: 'dbnet', command: 'ADD', nth: 1, when: 'during' } }, 'Expected `faults.crash.when` to be before or after'],
  ])('refuses a malformed plan with a TypeError naming the field (%j)', async (faults, message) => {
    await expect(open({ faults: faults as FakeRuntimeOptions['faults'] })).rejects.toThrow(new TypeError(`${message}, got`.replace(/, got$/, '')).message);
    await expect(open({ faults: faults as FakeRuntimeOptions['faults'] })).rejects.toBeInstanceOf(TypeError);
  });
});
