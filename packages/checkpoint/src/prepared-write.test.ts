import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { prepareAtomicWrite } from './prepared-write.ts';
import { removeInterruptedWrites } from './interrupted-writes.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-prepared-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each([true, false])('prepareAtomicWrite with fsync %s', (fsync) => {
  it('makes the temp file before the data comes, then replaces the target whole with it as a 0600 file', async () => {
    const file = join(root, 'result');
    await writeFile(file, 'old');
    const prepared = prepareAtomicWrite(file, { fsync });
    await prepared.ready;
    // Made ahead: the costly creation is done while the caller still works; the target is untouched.
    expect((await readdir(root)).sort()).toEqual([basename(prepared.tempFile), 'result'].sort());
    expect(await readFile(file, 'utf8')).toBe('old');
    await prepared.commit('new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(root)).toEqual(['result']);
  });

  it('leaves nothing when abandoned, and the target as it was', async () => {
    const file = join(root, 'result');
    await writeFile(file, 'old');
    const prepared = prepareAtomicWrite(file, { fsync });
    await prepared.abandon();
    expect(await readdir(root)).toEqual(['result']);
    expect(await readFile(file, 'utf8')).toBe('old');
  });

  it('reports a temp file that could not be made (no dir) from commit, and abandon still settles', async () => {
    const file = join(root, 'missing', 'result');
    await expect(prepareAtomicWrite(file, { fsync }).commit('x')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(prepareAtomicWrite(file, { fsync }).abandon()).resolves.toBeUndefined();
  });

  it('removes the temp file when the rename fails (the target is a dir)', async () => {
    const file = join(root, 'result');
    await rm(file, { force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(file, 'inside'), { recursive: true }));
    await expect(prepareAtomicWrite(file, { fsync }).commit('x')).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await readdir(root)).toEqual(['result']);
  });
});

describe('prepareAtomicWrite, used once', () => {
  it('refuses a second end, which would close a descriptor that may be someone else’s by then', async () => {
    const prepared = prepareAtomicWrite(join(root, 'result'), { fsync: false });
    await prepared.commit('a');
    await expect(prepared.commit('b')).rejects.toThrow(/already committed or abandoned/);
    await expect(prepared.abandon()).rejects.toThrow(/already committed or abandoned/);
    expect(await readFile(join(root, 'result'), 'utf8')).toBe('a');
  });

  it('names its temp file as the interrupted writes that a restart removes', async () => {
    const prepared = prepareAtomicWrite(join(root, 'result'), { fsync: false });
    await prepared.ready;
    expect(await removeInterruptedWrites(root)).toEqual([basename(prepared.tempFile)]);
    await prepared.abandon();
  });
});
