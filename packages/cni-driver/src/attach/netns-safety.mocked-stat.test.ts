/**
 * validateSandboxNetns with `node:fs`'s statSync faked for one path: a file can be given any
 * device and inode number, which no real file can be made to have deterministically.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Stats } from 'node:fs';
import { validateSandboxNetns } from './netns-safety.ts';

const faked = vi.hoisted(() => ({ path: undefined as string | undefined, stats: undefined as ((host: Stats) => Partial<Stats>) | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const statSync = ((path: string, options?: Parameters<typeof fs.statSync>[1]) => {
    if (faked.stats && path === faked.path) return { ...faked.stats(fs.statSync('/proc/self/ns/net')) };
    return fs.statSync(path, options);
  }) as typeof fs.statSync;
  return { ...fs, statSync };
});

afterEach(() => {
  faked.path = undefined;
  faked.stats = undefined;
});

describe('validateSandboxNetns, with faked stat results', () => {
  it('passes a file with the host netns\'s inode number on another device (both dev and ino must match)', async () => {
    faked.path = '/fake/other-device';
    faked.stats = (host) => ({ dev: host.dev + 1, ino: host.ino });
    await expect(validateSandboxNetns('/fake/other-device', 'sb1')).resolves.toBeUndefined();
  });

  it('passes a file on the host netns\'s device with another inode number', async () => {
    faked.path = '/fake/other-inode';
    faked.stats = (host) => ({ dev: host.dev, ino: host.ino + 1 });
    await expect(validateSandboxNetns('/fake/other-inode', 'sb1')).resolves.toBeUndefined();
  });

  it('refuses a file with the host netns\'s device and inode number, naming the path and the host path it matches', async () => {
    faked.path = '/fake/same';
    faked.stats = (host) => ({ dev: host.dev, ino: host.ino });
    await expect(validateSandboxNetns('/fake/same', 'sb1')).rejects.toMatchObject({
      code: 'NETNS_UNSAFE',
      message: 'sandbox sb1: netns /fake/same is the host\'s network namespace (/proc/self/ns/net); refusing to run plugins in it',
    });
  });
});
