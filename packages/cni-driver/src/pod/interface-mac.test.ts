import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readInterfaceMac } from './interface-mac.ts';

let dir: string;
let savedPath: string | undefined;

/** Puts an `nsenter` first on PATH that logs its arguments, prints `stdout` and exits with `code`. */
async function fakeNsenter(stdout: string, code = 0): Promise<void> {
  await writeFile(join(dir, 'out'), stdout);
  await writeFile(join(dir, 'nsenter'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(dir, 'args')}'\ncat '${join(dir, 'out')}'\nexit ${code}\n`);
  await chmod(join(dir, 'nsenter'), 0o755);
}

const argsSeen = async (): Promise<string[]> => (await readFile(join(dir, 'args'), 'utf8')).trimEnd().split('\n');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-mac-'));
  savedPath = process.env['PATH'];
  process.env['PATH'] = `${dir}:${savedPath ?? ''}`;
});

afterEach(async () => {
  process.env['PATH'] = savedPath;
  await rm(dir, { recursive: true, force: true });
});

describe('readInterfaceMac', () => {
  it('asks `ip -j link show dev <ifName>` inside the namespace and answers the first link\'s address', async () => {
    await fakeNsenter(JSON.stringify([{ ifname: 'net1', address: '02:42:ac:11:00:02' }, { ifname: 'other', address: '02:00:00:00:00:09' }]));
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBe('02:42:ac:11:00:02');
    expect(await argsSeen()).toEqual(['--net=/var/run/netns/pod-a', 'ip', '-j', 'link', 'show', 'dev', 'net1']);
  });

  it('answers undefined when the command fails', async () => {
    await fakeNsenter(JSON.stringify([{ address: '02:42:ac:11:00:02' }]), 1);
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBeUndefined();
  });

  it('answers undefined when the output is not JSON', async () => {
    await fakeNsenter('Device "net1" does not exist.');
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBeUndefined();
  });

  it('answers undefined when no link is listed, or the link has no address', async () => {
    await fakeNsenter('[]');
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBeUndefined();
    await fakeNsenter('[{"ifname":"net1"}]');
    await expect(readInterfaceMac('/var/run/netns/pod-a', 'net1')).resolves.toBeUndefined();
  });
});
