import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSandboxNetns } from './netns-safety.ts';

describe('validateSandboxNetns', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-netns-safety-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses this process\'s own network namespace with NETNS_UNSAFE, by any path to it', async () => {
    for (const path of ['/proc/self/ns/net', `/proc/${process.pid}/ns/net`, '/proc/thread-self/ns/net']) {
      await expect(validateSandboxNetns(path, 'sb1')).rejects.toMatchObject({
        code: 'NETNS_UNSAFE',
        message: `sandbox sb1: netns ${path} is the host's network namespace (/proc/self/ns/net); refusing to run plugins in it`,
        details: expect.objectContaining({ containerId: 'sb1' }),
      });
    }
  });

  it('passes a path that does not exist (the namespace is gone) and a file that is another namespace', async () => {
    await expect(validateSandboxNetns(join(dir, 'gone'), 'sb1')).resolves.toBeUndefined();
    const fake = join(dir, 'fake-netns');
    await writeFile(fake, '');
    await expect(validateSandboxNetns(fake, 'sb1')).resolves.toBeUndefined();
    await expect(validateSandboxNetns('/proc/self/ns/uts', 'sb1')).resolves.toBeUndefined();
  });
});
