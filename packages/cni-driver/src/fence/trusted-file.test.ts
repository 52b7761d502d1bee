import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrustedFile } from './trusted-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh3-trusted-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTrustedFile', () => {
  it('reads a private file of ours', async () => {
    await writeFile(join(dir, 'f'), 'hello', { mode: 0o600 });
    expect(await readTrustedFile(join(dir, 'f'))).toEqual({ text: 'hello' });
  });

  it('gives undefined for a missing file', async () => {
    expect(await readTrustedFile(join(dir, 'missing'))).toBeUndefined();
  });

  it('does not trust a group- or world-writable file', async () => {
    await writeFile(join(dir, 'f'), 'x');
    await chmod(join(dir, 'f'), 0o666);
    expect(await readTrustedFile(join(dir, 'f'))).toEqual({ untrusted: expect.stringContaining('world-writable (mode 666)') });
  });

  it('does not follow a symlink', async () => {
    await writeFile(join(dir, 'target'), 'x', { mode: 0o600 });
    await symlink(join(dir, 'target'), join(dir, 'link'));
    expect(await readTrustedFile(join(dir, 'link'))).toEqual({ untrusted: expect.stringContaining('symlink') });
  });

  it('does not trust a directory', async () => {
    expect(await readTrustedFile(dir)).toEqual({ untrusted: expect.stringContaining('not a regular file') });
  });

  it.runIf(process.getuid?.() === 0)("does not trust another user's file", async () => {
    await writeFile(join(dir, 'f'), 'x', { mode: 0o600 });
    await chown(join(dir, 'f'), 65534, 65534);
    expect(await readTrustedFile(join(dir, 'f'))).toEqual({ untrusted: expect.stringContaining('owned by uid 65534') });
  });
});
