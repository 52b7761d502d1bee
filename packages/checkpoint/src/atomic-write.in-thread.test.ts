import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-inthread-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic without fsync: done in the calling thread', () => {
  it('has replaced the file by the time the call returns its promise, before anything is awaited', async () => {
    const file = join(root, 'state.json');
    await writeFile(file, 'old', { mode: 0o600 });
    const pending = writeFileAtomic(file, 'new', { fsync: false });
    // No await yet: only a write done synchronously inside the call can be seen here.
    expect(readFileSync(file, 'utf8')).toBe('new');
    await pending;
    expect(await readdir(root)).toEqual(['state.json']);
  });

  it('with fsync (the default) goes through the thread pool, so the old content is still there before the first await', async () => {
    const file = join(root, 'state.json');
    await writeFile(file, 'old', { mode: 0o600 });
    const pending = writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('old');
    await pending;
    expect(await readFile(file, 'utf8')).toBe('new');
  });
});
