import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { CHECKPOINT_ERROR_CODES, CheckpointError, isCheckpointError } from './errors.ts';

async function readReadmeCodeTable(): Promise<Array<{ code: string; meaning: string }>> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Error codes');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => ({ code: m[1]!, meaning: m[2]!.trim() }));
}

describe('CheckpointError', () => {
  it('has every code of CHECKPOINT_ERROR_CODES in the README error-code table, and no other', async () => {
    const rows = await readReadmeCodeTable();
    expect(rows.map((r) => r.code).sort()).toEqual(Object.keys(CHECKPOINT_ERROR_CODES).sort());
  });

  it('gives every code in the README table a meaning', async () => {
    const rows = await readReadmeCodeTable();
    expect(rows.filter((r) => r.meaning === '')).toEqual([]);
  });

  it('is recognized by its brand, also from another copy of the package', () => {
    const fromOtherCopy = Object.assign(new Error('x'), { [Symbol.for('@multinet/checkpoint.CheckpointError')]: true });
    expect(isCheckpointError(new CheckpointError('KEY_INVALID', 'x'))).toBe(true);
    expect(isCheckpointError(fromOtherCopy)).toBe(true);
  });

  it('does not mistake an error that merely has a code for one of its own', () => {
    expect(isCheckpointError(Object.assign(new Error('x'), { code: 'KEY_INVALID' }))).toBe(false);
    expect(isCheckpointError(undefined)).toBe(false);
  });

  it('keeps code, details and cause, and freezes the details', () => {
    const cause = new Error('EIO');
    const error = new CheckpointError('READ_FAILED', 'cannot read /x/a.json', { file: '/x/a.json', key: 'a' }, { cause });
    expect(error).toMatchObject({ name: 'CheckpointError', code: 'READ_FAILED', details: { file: '/x/a.json', key: 'a' }, cause });
    expect(Object.isFrozen(error.details)).toBe(true);
  });
});
