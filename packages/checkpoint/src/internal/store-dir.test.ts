import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCheckpointStore } from '../checkpoint-store.ts';
import type { CheckpointError } from '../errors.ts';
import { prepareStoreDir, selectDirProblem } from './store-dir.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-dir-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const openAt = (dir: string) => createCheckpointStore({ dir, kind: 'test', version: 1, parse: (d) => d });
const failure = async (dir: string): Promise<CheckpointError> => (await openAt(dir).then(() => undefined, (e: unknown) => e)) as CheckpointError;

describe('prepareStoreDir', () => {
  it('refuses a symlink to a directory as DIR_UNSAFE', async () => {
    await mkdir(join(root, 'real'), { mode: 0o700 });
    await symlink(join(root, 'real'), join(root, 'link'));
    const error = await failure(join(root, 'link'));
    expect(error).toMatchObject({ code: 'DIR_UNSAFE', details: { file: join(root, 'link') } });
    expect(error.message).toContain('symlink');
  });

  it('refuses a dangling symlink as DIR_UNSAFE and creates nothing behind it', async () => {
    await symlink(join(root, 'nowhere'), join(root, 'link'));
    expect((await failure(join(root, 'link'))).code).toBe('DIR_UNSAFE');
    await expect(stat(join(root, 'nowhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a world-writable dir (0777) as DIR_UNSAFE', async () => {
    await mkdir(join(root, 'open'));
    await chmod(join(root, 'open'), 0o777);
    const error = await failure(join(root, 'open'));
    expect(error.code).toBe('DIR_UNSAFE');
    expect(error.message).toContain('mode 0777');
  });

  it('refuses a group-writable dir (0770) as DIR_UNSAFE', async () => {
    await mkdir(join(root, 'group'));
    await chmod(join(root, 'group'), 0o770);
    expect((await failure(join(root, 'group'))).code).toBe('DIR_UNSAFE');
  });

  it('refuses a regular file at the dir path as DIR_UNSAFE', async () => {
    await writeFile(join(root, 'file'), '');
    expect((await failure(join(root, 'file'))).message).toContain('is not a directory');
  });

  it.runIf(process.getuid?.() === 0)('refuses a dir owned by another user as DIR_UNSAFE', async () => {
    await mkdir(join(root, 'theirs'), { mode: 0o700 });
    await chown(join(root, 'theirs'), 65534, 65534);
    expect((await failure(join(root, 'theirs'))).message).toContain('owned by uid 65534');
  });

  it('reports DIR_UNAVAILABLE when the dir cannot be created', async () => {
    await writeFile(join(root, 'file'), '');
    const error = await failure(join(root, 'file', 'records'));
    expect(error).toMatchObject({ code: 'DIR_UNAVAILABLE', details: { file: join(root, 'file', 'records') } });
  });

  it('narrows an existing 0755 dir to 0700', async () => {
    await mkdir(join(root, 'loose'));
    await chmod(join(root, 'loose'), 0o755);
    await prepareStoreDir(join(root, 'loose'));
    expect((await stat(join(root, 'loose'))).mode & 0o777).toBe(0o700);
  });

  it('creates a missing dir and its missing parents as 0700', async () => {
    await prepareStoreDir(join(root, 'a', 'b'));
    expect((await stat(join(root, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'a', 'b'))).mode & 0o777).toBe(0o700);
  });
});

describe('selectDirProblem', () => {
  const dirInfo = (mode: number, uid = 0) => ({ mode: 0o40000 | mode, uid, isDirectory: () => true, isSymbolicLink: () => false });

  it('accepts a private dir of this user', () => {
    expect(selectDirProblem(dirInfo(0o700, 1000), 1000)).toBeUndefined();
  });

  it('accepts a readable but not writable dir for others (it gets narrowed later)', () => {
    expect(selectDirProblem(dirInfo(0o755, 1000), 1000)).toBeUndefined();
  });

  it('names the write bits it refuses', () => {
    expect(selectDirProblem(dirInfo(0o702, 1000), 1000)).toBe('is writable by group or others (mode 0702)');
  });

  it('skips the owner check where the platform has no uid', () => {
    expect(selectDirProblem(dirInfo(0o700, 1000), undefined)).toBeUndefined();
  });
});
