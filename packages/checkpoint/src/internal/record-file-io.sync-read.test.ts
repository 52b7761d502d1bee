import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordFile, readRecordFileSync } from './record-file-io.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-ckpt-syncread-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const codeOf = (read: () => unknown): unknown => {
  try {
    read();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
  return 'no error';
};

describe('readRecordFileSync', () => {
  it('returns the whole UTF-8 text of a private regular file, as readRecordFile does', async () => {
    const file = join(root, 'a.json');
    const text = `{"kind":"test","wörd":"${'x'.repeat(70_000)}"}`;
    await writeFile(file, text, { mode: 0o600 });
    expect(readRecordFileSync(file)).toBe(text);
    expect(await readRecordFile(file)).toBe(text);
  });

  it('returns an empty string for an empty private file', async () => {
    const file = join(root, 'empty.json');
    await writeFile(file, '', { mode: 0o600 });
    expect(readRecordFileSync(file)).toBe('');
  });

  it('throws ENOENT for a missing file, ELOOP for a symlink, EISDIR for a dir and EUNSAFE for a group-writable file', async () => {
    await writeFile(join(root, 'target.json'), '{}', { mode: 0o600 });
    await symlink(join(root, 'target.json'), join(root, 'link.json'));
    await mkdir(join(root, 'dir.json'));
    await writeFile(join(root, 'open.json'), '{}');
    await chmod(join(root, 'open.json'), 0o620);
    expect(codeOf(() => readRecordFileSync(join(root, 'missing.json')))).toBe('ENOENT');
    expect(codeOf(() => readRecordFileSync(join(root, 'link.json')))).toBe('ELOOP');
    expect(codeOf(() => readRecordFileSync(join(root, 'dir.json')))).toBe('EISDIR');
    expect(codeOf(() => readRecordFileSync(join(root, 'open.json')))).toBe('EUNSAFE');
  });
});
