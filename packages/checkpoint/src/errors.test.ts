import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { CHECKPOINT_ERROR_CODES, CheckpointError, isCheckpointError } from './errors.ts';

describe('CheckpointError', () => {
  it('is documented in the README error-code table, code for code', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Error codes'));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(CHECKPOINT_ERROR_CODES).sort());
  });

  it('is recognized by its brand, not by instanceof', () => {
    expect(isCheckpointError(new CheckpointError('KEY_INVALID', 'x'))).toBe(true);
    expect(isCheckpointError(Object.assign(new Error('x'), { code: 'KEY_INVALID' }))).toBe(false);
  });
});
