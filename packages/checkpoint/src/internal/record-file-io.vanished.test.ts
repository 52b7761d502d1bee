import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeStaleTempFiles } from './record-file-io.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-vanished-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('removeStaleTempFiles, with a temp file that is gone by the time it is looked at', () => {
  it('resolves and still removes the other stale temp files when a listed temp file no longer exists', async () => {
    // Listed, then removed by someone else before its lstat: the name is in `names`, not on disk.
    const stale = '.a.0123456789ab.tmp';
    await writeFile(join(root, stale), 'half', { mode: 0o600 });
    await utimes(join(root, stale), new Date(1_000_000), new Date(1_000_000));
    await expect(removeStaleTempFiles(root, ['.gone.0123456789ab.tmp', stale], Date.now(), new Set())).resolves.toBeUndefined();
    expect(await readdir(root)).toEqual([]);
  });
});
