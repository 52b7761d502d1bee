/**
 * The sandbox namespace name prefix: a test suite's namespaces carry its own prefix, fake or real,
 * are removed by the exact name recorded, and a bad prefix is refused at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildNetnsName, createFakeRuntime, validateNetnsPrefix, type FakeRuntime, type FakeRuntimeOptions } from '@multinet/fake-runtime';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { ip, uniqueSuffix } from './support/netns.ts';
import { runMultinet } from './support/cli.ts';
import { hasRealParts } from './support/real-parts.ts';

const ALPHA = 'alpha.network.k8s.io/networks';
let dir: string;
let runtime: FakeRuntime | undefined;


beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-netns-prefix-'));
  await cp(join(FIXTURES_DIR, 'demo', 'net.d'), join(dir, 'net.d'), { recursive: true });
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function open(options: Partial<FakeRuntimeOptions>): Promise<FakeRuntime> {
  runtime = await createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], netns: 'fake', watch: false, loopback: false, ...options });
  return runtime;
}

describe('netnsPrefix', () => {
  it('names sandbox namespaces <prefix><12 hex> (multinet-sb- by default)', () => {
    const id = 'ab'.repeat(32);
    expect(buildNetnsName(id)).toBe('multinet-sb-abababababab');
    expect(buildNetnsName(id, 'suite-7-')).toBe('suite-7-abababababab');
  });

  it('gives fake sandboxes the prefix and removes them by the name recorded, even after a restart with another prefix', async () => {
    const first = await open({ netnsPrefix: 'multinet-suite-a-' });
    first.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet' } });
    await first.syncOnce();
    const [sandbox] = await first.sandboxes();
    expect(basename(sandbox!.netns)).toBe(`multinet-suite-a-${sandbox!.sandboxId.slice(0, 12)}`);
    expect(existsSync(sandbox!.netns)).toBe(true);
    await first.close();

    // The restarted runtime no longer has the pod: its sandbox goes, by the name it was made under.
    const second = await open({ netnsPrefix: 'multinet-suite-b-' });
    expect((await second.syncOnce()).tornDown).toEqual(['default/web']);
    expect(existsSync(sandbox!.netns)).toBe(false);
    second.api.addPod({ name: 'db', annotations: { [ALPHA]: 'dbnet' } });
    await second.syncOnce();
    expect(await readdir(join(dir, 'state', 'fake-netns'))).toEqual([expect.stringMatching(/^multinet-suite-b-[0-9a-f]{12}$/)]);
  });

  it.each([[''], ['has space'], ['slash/'], ['x'.repeat(33)], ['dots.']])('refuses the prefix %j with a TypeError', async (prefix) => {
    expect(() => validateNetnsPrefix(prefix)).toThrow(TypeError);
    await expect(open({ netnsPrefix: prefix })).rejects.toThrow(`Expected \`netnsPrefix\` to be 1-32 letters, digits or '-', got \`${JSON.stringify(prefix)}\``);
  });

  it.runIf(hasRealParts())('creates real namespaces under the prefix and deletes them by exact name', async () => {
    const prefix = `multinet-tp${uniqueSuffix()}-`;
    const rt = await open({ netns: 'real', netnsPrefix: prefix });
    try {
      rt.api.addPod({ name: 'web', annotations: { [ALPHA]: 'podnet' } });
      await rt.syncOnce();
      const [sandbox] = await rt.sandboxes();
      const name = `${prefix}${sandbox!.sandboxId.slice(0, 12)}`;
      expect(sandbox!.netns).toBe(`/var/run/netns/${name}`);
      expect(await ip('netns', 'list')).toContain(name);

      rt.api.deletePod('default/web');
      await rt.syncOnce();
      expect(await ip('netns', 'list')).not.toContain(prefix);
    } finally {
      for (const line of (await ip('netns', 'list')).split('\n')) {
        const name = line.split(' ')[0];
        if (name?.startsWith(prefix)) await ip('netns', 'delete', name).catch(() => undefined);
      }
    }
  });

  it('is a flag of multinet run: --netns-prefix', async () => {
    const result = await runMultinet([
      'run', '--once', '--netns', 'fake', '--netns-prefix', 'multinet-cli-',
      '--manifests', join(FIXTURES_DIR, 'demo', 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', FIXTURE_PLUGIN_DIR, '--state-dir', join(dir, 'state'),
    ]);
    expect(result.code).toBe(0);
    const names = await readdir(join(dir, 'state', 'fake-netns'));
    expect(names).toHaveLength(3);
    for (const name of names) expect(name).toMatch(/^multinet-cli-[0-9a-f]{12}$/);
  });

  it('refuses a bad --netns-prefix with the usage on stderr and exit 2', async () => {
    const result = await runMultinet(['run', '--manifests', dir, '--netns-prefix', 'no/slash']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^multinet run: Expected `--netns-prefix` to be 1-32 letters, digits or '-', got `no\/slash`\nusage: multinet run /);
  });
});
