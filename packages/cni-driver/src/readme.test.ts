import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { CNI_ERROR_CODES } from '@multinet/cni-types';

describe('the cni-driver README', () => {
  it('documents every error code of CNI_ERROR_CODES and no other', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Error codes'));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(CNI_ERROR_CODES).sort());
  });
});
