/**
 * `multinet cnitool` as a user runs it: the same environment, output and exit status as the CNI
 * project's cnitool.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMultinet } from './support/cli.ts';
import { FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { REAL_PLUGIN_DIR, hasRealParts } from './support/real-parts.ts';
import { addressesIn, createTestNetns, deleteLinkIfPresent, uniqueSuffix, type TestNetns } from './support/netns.ts';

const multinet = runMultinet;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-cnitool-'));
  await mkdir(join(dir, 'net.d'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('multinet cnitool', () => {
  it('prints the usage and exits 1 with fewer than three words', async () => {
    const { code, stderr } = await multinet(['cnitool', 'add', 'net'], {});
    expect(code).toBe(1);
    expect(stderr).toMatch(/cnitool \[--cache-dir <dir>\] add/);
  });

  it('says which network is missing and exits 1', async () => {
    await writeFile(join(dir, 'net.d', '10-a.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'a', plugins: [{ type: 'noop' }] }));
    const { code, stderr } = await multinet(['cnitool', '--cache-dir', join(dir, 'cache'), 'add', 'nope', '/tmp/ns'], { NETCONFPATH: join(dir, 'net.d'), CNI_PATH: FIXTURE_PLUGIN_DIR });
    expect(code).toBe(1);
    expect(stderr).toContain('no net configuration with name "nope"');
  });

  it('refuses a malformed CNI_ARGS pair as cnitool does', async () => {
    await writeFile(join(dir, 'net.d', '10-a.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'a', plugins: [{ type: 'noop' }] }));
    const { code, stderr } = await multinet(['cnitool', 'add', 'a', '/tmp/ns'], { NETCONFPATH: join(dir, 'net.d'), CNI_PATH: FIXTURE_PLUGIN_DIR, CNI_ARGS: 'K=', CNI_CACHE_DIR: join(dir, 'cache') });
    expect(code).toBe(1);
    expect(stderr).toContain('invalid CNI_ARGS pair "K="');
  });

  it('does nothing and exits 0 for an unknown verb, as cnitool', async () => {
    expect((await multinet(['cnitool', 'frobnicate', 'a', '/tmp/ns'], {})).code).toBe(0);
  });

  describe.runIf(hasRealParts())('with a real bridge in a real namespace', () => {
    let netns: TestNetns;
    let bridge: string;
    beforeEach(async () => {
      netns = await createTestNetns();
      bridge = `mnb${uniqueSuffix()}`;
    });
    afterEach(async () => {
      await netns.remove();
      await deleteLinkIfPresent(bridge);
    });

    it('adds, prints the result like cnitool (4-space indent, no newline), and deletes', async () => {
      await writeFile(
        join(dir, 'net.d', '10-br.conflist'),
        JSON.stringify({ cniVersion: '1.0.0', name: 'mn-cnitool', plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: '10.250.45.0/24' }]] } }] }),
      );
      const env = { NETCONFPATH: join(dir, 'net.d'), CNI_PATH: REAL_PLUGIN_DIR };
      const add = await multinet(['cnitool', '--cache-dir', join(dir, 'cache'), 'add', 'mn-cnitool', netns.path], env);
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
      expect(add.stdout.endsWith('}')).toBe(true);
      expect(add.stdout).toContain('\n    "cniVersion": "1.0.0"');
      const result = JSON.parse(add.stdout) as { ips: Array<{ address: string }> };
      expect(await addressesIn(netns.name, 'eth0')).toContain(result.ips[0]?.address);
      const del = await multinet(['cnitool', '--cache-dir', join(dir, 'cache'), 'del', 'mn-cnitool', netns.path], env);
      expect(del).toMatchObject({ code: 0, stdout: '' });
      expect(await addressesIn(netns.name, 'eth0')).toEqual([]);
    });
  });
});
