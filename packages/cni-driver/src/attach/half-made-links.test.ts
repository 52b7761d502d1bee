/**
 * removeHalfMadeLinks against a fake `nsenter` first on PATH (it records its arguments and
 * answers from files), in a path that is a namespace file but not a network namespace
 * (`/proc/self/ns/uts`): no real namespace or link is read or changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeHalfMadeLinks } from './half-made-links.ts';
import { installFakeNsenter, type FakeNsenter } from '../../../../test/support/fake-nsenter.ts';

const NS = '/proc/self/ns/uts';
let fake: FakeNsenter;

let dir: string;
const answer = (args: readonly string[], out: string): Promise<void> => fake.answer(args, out);
const refuse = (args: readonly string[], err: string): Promise<void> => fake.refuse(args, err);
const nsenterCalls = (): Promise<string[]> => fake.calls();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-half-made-'));
  fake = await installFakeNsenter(dir);
});
afterEach(async () => {
  fake.uninstall();
  await rm(dir, { recursive: true, force: true });
});

const LIST = ['ip', '-j', 'link', 'show'];

describe('removeHalfMadeLinks', () => {
  it('deletes the links with a plugin\'s temporary name that no attachment is named after, and returns them', async () => {
    await answer(LIST, JSON.stringify([
      { ifname: 'lo' },
      { ifname: 'eth0' },
      { ifname: 'veth0123abcd' },
      { ifname: 'veth89abcdef' },
      { ifname: 'vethABCDEF12' },
      { ifname: 'veth0123abcde' },
      { ifname: 'xveth0123abcd' },
      { ifname: 'veth0123abc' },
      { ifname: 'vethdeadbeef' },
      {},
    ]));
    await refuse(['ip', 'link', 'delete', 'dev', 'vethdeadbeef'], 'Cannot find device');
    await expect(removeHalfMadeLinks(NS, new Set(['veth89abcdef', 'eth0']))).resolves.toEqual(['veth0123abcd']);
    expect(await nsenterCalls()).toEqual([
      `--net=${NS} ip -j link show`,
      `--net=${NS} ip link delete dev veth0123abcd`,
      `--net=${NS} ip link delete dev vethdeadbeef`,
    ]);
  });

  it('touches nothing in a path that is not a namespace, or is gone', async () => {
    const plain = join(dir, 'fake-netns');
    await writeFile(plain, '');
    await expect(removeHalfMadeLinks(plain, new Set())).resolves.toEqual([]);
    await expect(removeHalfMadeLinks(join(dir, 'gone'), new Set())).resolves.toEqual([]);
    expect(await nsenterCalls()).toEqual([]);
  });

  it('removes nothing when the links cannot be listed or read', async () => {
    await refuse(LIST, 'nsenter: cannot open');
    await expect(removeHalfMadeLinks(NS, new Set())).resolves.toEqual([]);
    await fake.unrefuse(LIST);
    await answer(LIST, 'not json');
    await expect(removeHalfMadeLinks(NS, new Set())).resolves.toEqual([]);
    expect(await nsenterCalls()).toEqual([`--net=${NS} ip -j link show`, `--net=${NS} ip -j link show`]);
  });
});
