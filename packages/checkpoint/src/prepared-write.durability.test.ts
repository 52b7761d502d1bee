/**
 * What `prepareAtomicWrite` syncs: the file (`fsync` of its descriptor, counted through a mocked
 * `node:fs`) and its dir (`FileHandle.sync`, counted by the fsync counter), by default and not
 * with `fsync: false`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countSyncs } from '../../../test/support/fsync-counter.ts';
import { prepareAtomicWrite } from './prepared-write.ts';

const ports = vi.hoisted(() => ({ fileSyncs: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fsync: (fd: number, callback: (error: Error | null) => void): void => {
      ports.fileSyncs += 1;
      fs.fsync(fd, callback);
    },
  };
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-prepared-sync-'));
  ports.fileSyncs = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

describe('prepareAtomicWrite durability', () => {
  it.each([
    ['by default', {}, 1, 1],
    ['with fsync: true', { fsync: true }, 1, 1],
    ['with fsync: false', { fsync: false }, 0, 0],
  ] as const)('%s syncs the file %i time(s) and its dir %i time(s)', async (_, options, fileSyncs, dirSyncs) => {
    const dirs = await countSyncs(root);
    const file = join(root, 'result');
    await prepareAtomicWrite(file, options).commit('data');
    expect([ports.fileSyncs, dirs.count]).toEqual([fileSyncs, dirSyncs]);
    expect(await readFile(file, 'utf8')).toBe('data');
  });
});
