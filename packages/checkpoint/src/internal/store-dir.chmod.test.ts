import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../errors.ts';
import { prepareStoreDir } from './store-dir.ts';

// Narrowing an existing dir to 0700 can fail (a read-only file system, a dir of another user
// when not root): the store dir's chmod is made to fail with a given error, every other call of
// node:fs/promises passes through.
const ports = vi.hoisted(() => ({ failChmod: undefined as Error | undefined, chmods: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fsp,
    chmod: (...args: Parameters<typeof fsp.chmod>): Promise<void> => {
      ports.chmods += 1;
      return ports.failChmod ? Promise.reject(ports.failChmod) : fsp.chmod(...args);
    },
  };
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-chmod-'));
  Object.assign(ports, { failChmod: undefined, chmods: 0 });
});
afterEach(async () => {
  ports.failChmod = undefined;
  await rm(root, { recursive: true, force: true });
});

const erofs = (): Error => Object.assign(new Error('EROFS: read-only file system, chmod'), { code: 'EROFS' });

describe('prepareStoreDir, when the dir cannot be made private', () => {
  it('rejects with DIR_UNAVAILABLE naming the dir, the 0700 it wanted and the chmod error, with that error as cause', async () => {
    const dir = join(root, 'loose');
    await mkdir(dir);
    await chmod(dir, 0o755);
    const cause = erofs();
    Object.assign(ports, { failChmod: cause, chmods: 0 });
    const error = await prepareStoreDir(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({ code: 'DIR_UNAVAILABLE', details: { file: dir } });
    expect((error as CheckpointError).message).toBe(`cannot make checkpoint dir ${dir} private (0700): EROFS: read-only file system, chmod`);
    expect((error as CheckpointError).cause).toBe(cause);
    expect(ports.chmods).toBe(1);
  });

  it('does not call chmod at all for a dir that is already 0700, so a failing chmod does not matter there', async () => {
    const dir = join(root, 'private');
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o700);
    Object.assign(ports, { failChmod: erofs(), chmods: 0 });
    await prepareStoreDir(dir);
    expect(ports.chmods).toBe(0);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
});
