import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeInterruptedWrites } from './interrupted-writes.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-interrupted-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('removeInterruptedWrites', () => {
  it('removes the temp files of interrupted atomic writes, returns their names, and keeps everything else', async () => {
    await writeFile(join(dir, '.a.json.123.tmp'), 'half');
    await writeFile(join(dir, '.b.9.tmp'), 'half');
    await writeFile(join(dir, 'a.json'), '{}');
    await writeFile(join(dir, 'c.tmp'), 'not hidden');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', '.d.1.tmp'), 'in a subdir');
    expect((await removeInterruptedWrites(dir)).sort()).toEqual(['.a.json.123.tmp', '.b.9.tmp']);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'c.tmp', 'sub']);
    expect(await readdir(join(dir, 'sub'))).toEqual(['.d.1.tmp']);
  });

  it('finds none in a missing dir', async () => {
    expect(await removeInterruptedWrites(join(dir, 'missing'))).toEqual([]);
  });

  it('still returns a temp name it cannot remove, and removes the others', async () => {
    await mkdir(join(dir, '.stuck.1.tmp'));
    await writeFile(join(dir, '.gone.2.tmp'), 'half');
    expect((await removeInterruptedWrites(dir)).sort()).toEqual(['.gone.2.tmp', '.stuck.1.tmp']);
    expect(await readdir(dir)).toEqual(['.stuck.1.tmp']);
  });
});
