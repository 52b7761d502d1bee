/**
 * Security as a real second user: `nobody` (uid 65534, through `runuser`, no shell) plants
 * binaries, dirs, records and cache files where root's driver looks, and root's driver never runs
 * or trusts what nobody put there. Everything lives under one mkdtemp dir that is 1777 like /tmp
 * (so nobody can reach and write it) and is removed after each test. Needs root (runuser, chown).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { createCheckpointStore } from '@multinet/checkpoint';
import { buildSpawner, createCniDriver, createSpawnerExecutor, type CniDriver, type PodSandbox } from '@multinet/cni-driver';
import { FIXTURE_PLUGIN_DIR, readNoopLog } from './support/noop.ts';

const run = promisify(execFile);
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** Runs one command as nobody (runuser, never a shell). */
async function asNobody(command: string, ...args: string[]): Promise<void> {
  await run('runuser', ['-u', 'nobody', '--', command, ...args]);
}

let dir: string;
let marker: string;
let payload: string;
let drivers: CniDriver[];
const log = () => join(dir, 'anet.json');
const stateDir = () => join(dir, 'state');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh3-sec-'));
  await chmod(dir, 0o1777);
  marker = join(dir, 'planted-program-ran');
  // What nobody plants: a program that leaves a marker saying who ran it.
  payload = join(dir, 'payload');
  await writeFile(payload, `#!/bin/sh\nid -u > '${marker}'\nexit 1\n`);
  await chmod(payload, 0o755);
  drivers = [];
  warnings = [];
  await mkdir(join(dir, 'net.d'));
  await cp(FIXTURE_PLUGIN_DIR, join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'net.d', '10-anet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log() }] }));
});

afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await rm(dir, { recursive: true, force: true });
});

let warnings: string[] = [];
const openDriver = (): CniDriver => {
  const logger = { warn: (fields: { file?: string }, message: string) => warnings.push(`${message}: ${fields.file ?? ''}`) };
  const driver = createCniDriver({ confDir: join(dir, 'net.d'), pluginDirs: [join(dir, 'bin')], stateDir: stateDir(), watch: false, loopback: false, libcniCache: true, logger });
  drivers.push(driver);
  return driver;
};
const sandbox = (id: string): PodSandbox => ({ sandboxId: id, netns: join(dir, 'netns', id), pod: { namespace: 'default', name: id, uid: `uid-${id}` } });
const commands = async (): Promise<string[]> => (await readNoopLog(log())).map((e) => `${e.command} ${e.env['CNI_CONTAINERID']}`);

describe.runIf(isRoot)('the spawner helper binary, planted by nobody', () => {
  /** The helper's file name (keyed by the source hash), learned from a build in a private dir. */
  async function helperName(): Promise<string> {
    const probe = join(dir, 'probe');
    return basename(await buildSpawner(probe));
  }

  /** Runs the noop once through a spawner executor made with `options`, with TMPDIR set to our 1777 dir. */
  async function runThroughSpawner(options: { cacheDir?: string } = {}): Promise<string> {
    const previous = process.env['TMPDIR'];
    process.env['TMPDIR'] = dir; // tmpdir() reads it on every call
    try {
      const executor = await createSpawnerExecutor(options);
      try {
        const outcome = await executor.execPlugin({
          path: join(dir, 'bin', 'noop'),
          stdin: '{"cniVersion":"1.0.0"}',
          env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'mnh3-c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/ns1' },
          timeoutMs: 20_000,
          killGraceMs: 100,
          maxOutputBytes: 1 << 20,
        });
        return JSON.parse(outcome.stdout).interfaces[0].sandbox as string;
      } finally {
        await executor.close?.();
      }
    } finally {
      if (previous === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = previous;
    }
  }

  it('in the default cache dir <tmpdir>/multinet-<uid>, made first by nobody, is never run as root', async () => {
    const name = await helperName();
    const theirs = join(dir, `multinet-${process.getuid!()}`);
    await asNobody('mkdir', '-m', '0755', theirs);
    await asNobody('cp', payload, join(theirs, name));
    await asNobody('chmod', '0755', join(theirs, name));

    expect(await runThroughSpawner()).toBe('/ns1');
    expect(existsSync(marker)).toBe(false);
    expect((await stat(join(theirs, name))).uid).toBe(NOBODY);
  });

  it('in the default cache dir made by nobody as a symlink to a dir of theirs, is never run as root', async () => {
    const name = await helperName();
    const target = join(dir, 'nobody-dir');
    await asNobody('mkdir', '-m', '0755', target);
    await asNobody('cp', payload, join(target, name));
    await asNobody('chmod', '0755', join(target, name));
    await asNobody('ln', '-s', target, join(dir, `multinet-${process.getuid!()}`));

    expect(await runThroughSpawner()).toBe('/ns1');
    expect(existsSync(marker)).toBe(false);
  });

  it('in a cache dir root made world-writable, planted by nobody, is never run as root', async () => {
    const name = await helperName();
    const open = join(dir, 'open-cache');
    await mkdir(open);
    await chmod(open, 0o777);
    await asNobody('cp', payload, join(open, name));
    await asNobody('chmod', '0755', join(open, name));

    expect(await runThroughSpawner({ cacheDir: open })).toBe('/ns1');
    expect(existsSync(marker)).toBe(false);
  });

  it('in a cache dir nobody owns (named by MULTINET_CACHE_DIR), is never run as root', async () => {
    const name = await helperName();
    const theirs = join(dir, 'their-cache');
    await asNobody('mkdir', '-m', '0700', theirs);
    await asNobody('cp', payload, join(theirs, name));
    const previous = process.env['MULTINET_CACHE_DIR'];
    process.env['MULTINET_CACHE_DIR'] = theirs;
    try {
      expect(await runThroughSpawner()).toBe('/ns1');
    } finally {
      if (previous === undefined) delete process.env['MULTINET_CACHE_DIR'];
      else process.env['MULTINET_CACHE_DIR'] = previous;
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe.runIf(isRoot)('state dirs nobody owns or may write', () => {
  it('a state dir nobody made is refused with STATE_DIR_UNSAFE before any plugin runs, and left as it was', async () => {
    await asNobody('mkdir', '-m', '0700', stateDir());
    await expect(openDriver().setUpPod(sandbox('mnh3-a'))).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    expect(await commands()).toEqual([]);
    expect(await readdir(stateDir())).toEqual([]);
  });

  it.each(['records', 'cache', 'cache/results', 'pods'])('a %s dir nobody made (while the state dir was open) is refused before anything is acted on', async (sub) => {
    const first = openDriver();
    await first.setUpPod(sandbox('mnh3-a'));
    await first.close();
    // The operator left the state dir (and cache dir) open for a moment: nobody takes `sub`.
    await chmod(stateDir(), 0o777);
    await chmod(join(stateDir(), 'cache'), 0o777);
    const theirs = join(stateDir(), `${sub}.theirs`);
    await asNobody('mkdir', '-m', '0700', theirs);
    await rm(join(stateDir(), sub), { recursive: true, force: true });
    await run('mv', [theirs, join(stateDir(), sub)]);
    await chmod(stateDir(), 0o700);
    await chmod(join(stateDir(), 'cache'), 0o700).catch(() => undefined);
    expect((await stat(join(stateDir(), sub))).uid).toBe(NOBODY);

    const driver = openDriver();
    const error = await driver.setUpPod(sandbox('mnh3-b')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    await expect(driver.tearDownPod('mnh3-a')).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    expect(await commands()).toEqual(['ADD mnh3-a']);
  });

  it.each(['', 'records', 'cache', 'cache/results'])('a state dir "%s" of mode 0777 with a file nobody put there is refused before anything is acted on', async (sub) => {
    const first = openDriver();
    await first.setUpPod(sandbox('mnh3-a'));
    await first.close();
    const open = join(stateDir(), sub);
    await chmod(stateDir(), 0o711);
    if (sub.startsWith('cache')) await chmod(join(stateDir(), 'cache'), 0o711);
    await chmod(open, 0o777);
    await asNobody('cp', payload, join(open, 'planted'));

    const driver = openDriver();
    await expect(driver.setUpPod(sandbox('mnh3-b'))).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    await expect(driver.tearDownPod('mnh3-a')).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    expect(await commands()).toEqual(['ADD mnh3-a']);
    expect(existsSync(marker)).toBe(false);
  });
});

describe.runIf(isRoot)('record and checkpoint files others may write', () => {
  it('a record log of mode 0666 that nobody wrote to is not trusted: refused and reported, never acted on', async () => {
    const first = openDriver();
    await first.setUpPod(sandbox('mnh3-a'));
    await first.close();
    const [logName] = (await readdir(join(stateDir(), 'records'))).filter((n) => n.endsWith('.log'));
    const file = join(stateDir(), 'records', logName!);
    await chmod(join(stateDir()), 0o711);
    await chmod(join(stateDir(), 'records'), 0o711);
    await chmod(file, 0o666);
    await asNobody('cp', '/dev/null', file);

    const driver = openDriver();
    const error = await driver.tearDownPod('mnh3-a').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LOG_UNSAFE', message: expect.stringContaining('writable by group or others') });
    expect(await commands()).toEqual(['ADD mnh3-a']);
  });

  it('a checkpoint file of mode 0666 is not trusted: quarantined and reported, never returned', async () => {
    const checkpoints = join(dir, 'checkpoints');
    const problems: unknown[] = [];
    const options = { dir: checkpoints, kind: 'mnh3Test', version: 1, parse: (data: unknown) => data as { n: number }, onProblem: (p: unknown) => problems.push(p) };
    const store = await createCheckpointStore(options);
    await store.write('pod-a', { n: 1 });
    const [name] = (await readdir(checkpoints)).filter((n) => n.includes('pod-a'));
    await chmod(checkpoints, 0o711);
    await chmod(join(checkpoints, name!), 0o666);
    // nobody rewrites it in place (root stays its owner) with a valid envelope.
    await writeFile(join(dir, 'envelope'), await readFile(join(checkpoints, name!)), { mode: 0o644 });
    await asNobody('cp', join(dir, 'envelope'), join(checkpoints, name!));

    const reopened = await createCheckpointStore(options);
    await expect(reopened.read('pod-a')).rejects.toMatchObject({ code: 'RECORD_CORRUPT', message: expect.stringContaining('world-writable') });
    expect(problems).toEqual([expect.objectContaining({ code: 'RECORD_CORRUPT' })]);
    expect(await readdir(join(checkpoints, 'quarantine'))).toHaveLength(1);
    expect((await readdir(checkpoints)).filter((n) => n.includes('pod-a'))).toEqual([]);
  });
});

describe.runIf(isRoot)('a libcni-format cache file nobody planted', () => {
  /** A cniCacheV1 record for an attachment root never made (container mnh3-planted), as bytes. */
  async function plantedCacheText(): Promise<string> {
    const first = openDriver();
    await first.setUpPod(sandbox('mnh3-real'));
    await first.tearDownPod('mnh3-real');
    await first.close();
    const record = { kind: 'cniCacheV1', containerId: 'mnh3-planted', ifName: 'eth0', networkName: 'anet', netns: join(dir, 'netns', 'mnh3-planted'), config: Buffer.from(JSON.stringify({ cniVersion: '1.0.0', name: 'anet', plugins: [{ type: 'noop', debugFile: log() }] })).toString('base64'), result: { cniVersion: '1.0.0', ips: [{ address: '10.250.200.9/17' }] } };
    return JSON.stringify(record);
  }

  it('in a cache results dir left world-writable, makes gc([]) and teardown refuse, and nothing runs for it', async () => {
    const text = await plantedCacheText();
    const results = join(stateDir(), 'cache', 'results');
    await writeFile(join(dir, 'planted-cache'), text, { mode: 0o644 });
    await chmod(stateDir(), 0o711);
    await chmod(join(stateDir(), 'cache'), 0o711);
    await chmod(results, 0o777);
    await asNobody('cp', join(dir, 'planted-cache'), join(results, 'anet-mnh3-planted-eth0'));

    const driver = openDriver();
    await expect(driver.gc([])).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    await expect(driver.tearDownPod('mnh3-planted')).rejects.toMatchObject({ code: 'STATE_DIR_UNSAFE' });
    expect((await commands()).filter((c) => c.includes('mnh3-planted'))).toEqual([]);
  });

  it('left behind in a results dir that is private again, is never acted on by gc([]) or teardown, and is reported', async () => {
    const text = await plantedCacheText();
    const results = join(stateDir(), 'cache', 'results');
    await writeFile(join(dir, 'planted-cache'), text, { mode: 0o644 });
    await chmod(stateDir(), 0o711);
    await chmod(join(stateDir(), 'cache'), 0o711);
    await chmod(results, 0o777);
    await asNobody('cp', join(dir, 'planted-cache'), join(results, 'anet-mnh3-planted-eth0'));
    // The operator closes the dir again; nobody's file stays.
    await chmod(results, 0o700);
    await chmod(join(stateDir(), 'cache'), 0o700);
    await chmod(stateDir(), 0o700);

    const driver = openDriver();
    await driver.gc([]).catch((e: unknown) => e);
    await driver.tearDownPod('mnh3-planted').catch((e: unknown) => e);
    expect((await commands()).filter((c) => c.includes('mnh3-planted'))).toEqual([]);
    expect(warnings).toContain(`cache file not trusted; not acted on: ${join(results, 'anet-mnh3-planted-eth0')}`);
  });
});
