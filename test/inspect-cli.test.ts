/**
 * `multinet inspect` run as a process on state dirs made by the fake runtime (noop plugin, fake
 * namespaces) and by a bare driver: what it shows, that it needs no lock, and that it changes
 * nothing in the dir it reads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openCniDriver } from '@multinet/cni-driver';
import { createFakeRuntime, type FakeRuntime } from '@multinet/fake-runtime';
import type { StateDirInspection } from '../packages/fake-runtime/src/cli/inspect-state.ts';
import { runMultinet } from './support/cli.ts';
import { FIXTURE_PLUGIN_DIR, writeNoopControl } from './support/noop.ts';

const ALPHA = 'alpha.network.k8s.io/networks';

let dir: string;
let runtime: FakeRuntime | undefined;

/** A conf dir with `podnet` (default) and `dbnet`, each steered by its own noop control file. */
async function writeConfDir(): Promise<void> {
  await mkdir(join(dir, 'net.d'));
  for (const [file, name] of [['10-podnet.conflist', 'podnet'], ['20-dbnet.conflist', 'dbnet']] as const) {
    await writeFile(
      join(dir, 'net.d', file),
      JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'noop', debugFile: join(dir, `${name}.control`) }] }),
    );
    await writeNoopControl(join(dir, `${name}.control`), {});
  }
}

async function openRuntime(): Promise<FakeRuntime> {
  return createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], netns: 'fake', watch: false, loopback: false });
}

/** Every file under `root` with its mode and a hash of its bytes: what "changed nothing" compares. */
async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(path: string): Promise<void> {
    const info = await stat(path);
    if (info.isDirectory()) {
      out[`${relative(root, path)}/`] = info.mode.toString(8);
      for (const name of await readdir(path)) await walk(join(path, name));
    } else out[relative(root, path)] = `${info.mode.toString(8)} ${createHash('sha256').update(await readFile(path)).digest('hex')}`;
  }
  await walk(root);
  return out;
}

async function inspectJson(stateDir: string): Promise<StateDirInspection> {
  const result = await runMultinet(['inspect', '--state-dir', stateDir, '--json']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as StateDirInspection;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-inspect-'));
  await writeConfDir();
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('multinet inspect on a live runtime state dir', () => {
  it('shows each sandbox with its pod, phase and attachments while the runtime holds the lock, and names the live owner', async () => {
    runtime = await openRuntime();
    runtime.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet@net1' } });
    await runtime.syncOnce();
    const status = runtime.podStatus('default/web')!;

    const inspection = await inspectJson(join(dir, 'state'));

    expect(inspection.layout).toBe('runtime');
    expect(inspection.owner).toMatchObject({ pid: process.pid, alive: true });
    expect(inspection.sandboxes).toHaveLength(1);
    const [sandbox] = inspection.sandboxes;
    expect(sandbox).toMatchObject({ sandboxId: status.sandboxId, pod: { namespace: 'default', name: 'web' }, phase: 'ready', pendingDeletes: [] });
    expect(sandbox!.attachments.map((a) => [a.network, a.interface, a.state, a.isDefault])).toEqual([
      ['default/podnet', 'eth0', 'added', true],
      ['default/dbnet', 'net1', 'added', false],
    ]);
    expect(sandbox!.attachments.map((a) => a.ips)).toEqual(status.networks.map((n) => n.ips));
  });

  it('prints the same facts as an aligned table', async () => {
    runtime = await openRuntime();
    runtime.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet@net1' } });
    await runtime.syncOnce();
    const status = runtime.podStatus('default/web')!;

    const result = await runMultinet(['inspect', '--state-dir', join(dir, 'state')]);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`owner:     pid ${process.pid} `);
    expect(result.stdout).toContain('(alive)');
    expect(result.stdout).toMatch(/^SANDBOX\s+POD\s+PHASE\s+NETWORK\s+INTERFACE\s+STATE\s+IPS$/m);
    expect(result.stdout).toMatch(new RegExp(`^${status.sandboxId!.slice(0, 12)}\\s+default/web\\s+ready\\s+default/podnet \\(default\\)\\s+eth0\\s+added\\s+${status.networks[0]!.ips[0]!.replace(/\./g, '\\.')}$`, 'm'));
    expect(result.stdout).toMatch(/^\s+default\/dbnet\s+net1\s+added\s+10\.250\./m);
  });

  it('lists a failed DEL as pending with its last error and attempts', async () => {
    runtime = await openRuntime();
    runtime.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet,dbnet@net1' } });
    await runtime.syncOnce();
    await writeNoopControl(join(dir, 'dbnet.control'), { DEL: { errorCode: 11, errorMsg: 'dbnet is busy', exitCode: 1 } });
    runtime.api.deletePod('default/web');
    await runtime.syncOnce();

    const inspection = await inspectJson(join(dir, 'state'));

    expect(inspection.sandboxes[0]!.phase).toBe('tearing-down');
    expect(inspection.sandboxes[0]!.pendingDeletes).toEqual([
      expect.objectContaining({ network: 'default/dbnet', interface: 'net1', state: 'del-failed', delAttempts: 1, error: expect.objectContaining({ code: 'TRY_AGAIN_LATER' }) }),
    ]);
    const table = await runMultinet(['inspect', '--state-dir', join(dir, 'state')]);
    expect(table.stdout).toMatch(/^pending DELs:$/m);
    expect(table.stdout).toMatch(/default\/dbnet\s+net1\s+del-failed\s+1\s+TRY_AGAIN_LATER: .*dbnet is busy/);
  });

  it('reports a torn record and lists quarantined files without moving or removing anything', async () => {
    runtime = await openRuntime();
    runtime.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet' } });
    await runtime.syncOnce();
    // A record file of the older per-file layout, torn (the driver now keeps a record log).
    const pods = join(dir, 'state', 'driver', 'pods');
    await mkdir(pods, { recursive: true, mode: 0o700 });
    await writeFile(join(pods, 'torn-sandbox.json'), '{"kind":"podCheckpoint","version":1,"checksum":"0123","data":{"sandboxId":"torn-sa');
    await writeFile(join(pods, '.torn-sandbox.0123abcd.tmp'), 'partial');
    await mkdir(join(pods, 'quarantine'), { mode: 0o700 });
    await writeFile(join(pods, 'quarantine', 'old-sandbox.20261201T101010123Z.89abcdef.json'), 'garbage');
    const before = await snapshotTree(join(dir, 'state'));

    const inspection = await inspectJson(join(dir, 'state'));

    expect(inspection.sandboxes.map((s) => s.pod.name)).toEqual(['web']);
    expect(inspection.unreadable).toEqual([{ file: join(pods, 'torn-sandbox.json'), code: 'RECORD_CORRUPT', reason: expect.stringContaining('torn') }]);
    expect(inspection.quarantined).toEqual([expect.objectContaining({ key: 'old-sandbox', bytes: 7, file: join(pods, 'quarantine', 'old-sandbox.20261201T101010123Z.89abcdef.json') })]);
    expect(await snapshotTree(join(dir, 'state'))).toEqual(before);
  });

  it('shows a registered sandbox the driver has no record of as no-record', async () => {
    runtime = await openRuntime();
    runtime.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet' } });
    await runtime.syncOnce();
    await runtime.close();
    runtime = undefined;
    // The driver's record log is gone; the runtime's sandbox registry still holds the sandbox.
    await rm(join(dir, 'state', 'driver', 'records'), { recursive: true, force: true });

    const inspection = await inspectJson(join(dir, 'state'));

    expect(inspection.owner).toMatchObject({ pid: process.pid });
    expect(inspection.sandboxes).toEqual([expect.objectContaining({ pod: expect.objectContaining({ name: 'web' }), phase: 'no-record', attachments: [] })]);
  });
});

describe('multinet inspect on a bare driver state dir', () => {
  it('reads the records of a driver that keeps its state at the top of the dir', async () => {
    const stateDir = join(dir, 'driver-state');
    const driver = await openCniDriver({ stateDir, confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], watch: false, loopback: false });
    try {
      await driver.setUpPod({ sandboxId: 'sandbox-1', netns: join(dir, 'netns-1'), pod: { namespace: 'team', name: 'api', uid: 'uid-1', annotations: { [ALPHA]: 'dbnet' } } });
      const inspection = await inspectJson(stateDir);
      expect(inspection).toMatchObject({ layout: 'driver', driverDir: stateDir, owner: { pid: process.pid, alive: true } });
      expect(inspection.sandboxes.map((s) => [s.sandboxId, `${s.pod.namespace}/${s.pod.name}`, s.phase, s.attachments.map((a) => `${a.network}@${a.interface}:${a.state}`)])).toEqual([
        ['sandbox-1', 'team/api', 'ready', ['team/dbnet@eth0:added']],
      ]);
    } finally {
      await driver.close();
    }
  });

  it('says "no sandboxes" for a state dir with no records', async () => {
    await mkdir(join(dir, 'empty'));
    const result = await runMultinet(['inspect', '--state-dir', join(dir, 'empty')]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('owner:     none recorded');
    expect(result.stdout).toContain('no sandboxes');
  });
});

describe('multinet inspect usage', () => {
  it('names a missing state dir in one line on stderr and exits 2', async () => {
    const missing = join(dir, 'no-such-dir');
    expect(await runMultinet(['inspect', '--state-dir', missing])).toEqual({
      code: 2,
      stdout: '',
      stderr: `multinet inspect: --state-dir ${missing} does not exist or is not a directory\n`,
    });
  });

  it.each([[['inspect', '--help']], [['inspect', '-h']], [['help', 'inspect']]])('prints its usage on stdout and exits 0 for `multinet %j`', async (args) => {
    const result = await runMultinet(args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: multinet inspect --state-dir <dir> \[--json\]/);
  });

  it('prints its usage on stderr and exits 2 for an unknown flag', async () => {
    const result = await runMultinet(['inspect', '--frobnicate']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^multinet inspect: Unknown option '--frobnicate'.*\nusage: multinet inspect /s);
  });
});
