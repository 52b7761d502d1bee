import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncDir, writeFileAtomic, writeFileViaTemp } from './atomic-write.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-durable-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

/** What the disk looked like at each fsync: the target's content and the dir's names. */
interface SyncMoment {
  target: string | undefined;
  names: string[];
}

/** Records every `FileHandle.sync()` (file and dir fsyncs alike) and the state of `dir` at that moment. */
async function watchSyncs(dir: string, file: string): Promise<SyncMoment[]> {
  const probe = await open(dir, 'r');
  const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const moments: SyncMoment[] = [];
  const original = prototype.sync;
  vi.spyOn(prototype, 'sync').mockImplementation(function (this: unknown) {
    moments.push({ target: existsSync(file) ? readFileSync(file, 'utf8') : undefined, names: readdirSync(dir).sort() });
    return original.call(this);
  });
  return moments;
}

describe('writeFileAtomic: durability', () => {
  it('fsyncs the temp file before the rename and the dir after it', async () => {
    const file = join(root, 'state.json');
    await writeFile(file, 'old');
    const moments = await watchSyncs(root, file);
    await writeFileAtomic(file, 'new');
    expect(moments).toHaveLength(2);
    // First the temp file, still beside the old target:
    expect(moments[0]!.target).toBe('old');
    expect(moments[0]!.names).toHaveLength(2);
    expect(moments[0]!.names.filter((name) => /^\.state\.json\.[0-9a-f]{12}\.tmp$/.test(name))).toHaveLength(1);
    // Then the dir, once the rename has put the new content in place:
    expect(moments[1]).toEqual({ target: 'new', names: ['state.json'] });
  });

  it('fsyncs nothing with fsync: false, and still replaces the file whole', async () => {
    const file = join(root, 'state.json');
    await writeFile(file, 'old');
    const moments = await watchSyncs(root, file);
    await writeFileAtomic(file, 'new', { fsync: false });
    expect(moments).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(root)).toEqual(['state.json']);
  });

  it('creates the file with the mode it is given', async () => {
    const file = join(root, 'shared.json');
    await writeFileAtomic(file, 'x', { mode: 0o640 });
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('writes bytes as they are', async () => {
    const file = join(root, 'bytes.bin');
    await writeFileAtomic(file, Uint8Array.from([0, 255, 10]));
    expect([...(await readFile(file))]).toEqual([0, 255, 10]);
  });
});

describe('writeFileViaTemp', () => {
  it('refuses a temp path that already exists, and leaves both files as they were', async () => {
    const file = join(root, 'state.json');
    const temp = join(root, '.state.json.planted.tmp');
    await writeFile(file, 'old');
    await writeFile(temp, 'planted');
    await expect(writeFileViaTemp(file, temp, 'new')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(file, 'utf8')).toBe('old');
  });

  it('removes the temp file when the write into it fails', async () => {
    const file = join(root, 'state.json');
    const temp = join(root, '.state.json.x.tmp');
    await writeFile(file, 'old');
    const probe = await open(root, 'r');
    const prototype = Object.getPrototypeOf(probe) as { writeFile: () => Promise<void> };
    await probe.close();
    vi.spyOn(prototype, 'writeFile').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    await expect(writeFileViaTemp(file, temp, 'new')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(root)).toEqual(['state.json']);
    expect(await readFile(file, 'utf8')).toBe('old');
  });

  it('does not fsync the dir when the rename fails', async () => {
    const file = join(root, 'missing-dir', 'state.json');
    const temp = join(root, '.state.json.x.tmp');
    const moments = await watchSyncs(root, file);
    await expect(writeFileViaTemp(file, temp, 'new')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(moments).toHaveLength(1);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('syncDir', () => {
  it('fails for a dir that does not exist', async () => {
    await expect(syncDir(join(root, 'gone'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
