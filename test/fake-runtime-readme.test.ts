/**
 * The fake-runtime README's vitest example is a test file: it is extracted (the ```ts block after
 * the `<!-- vitest: ... -->` marker) and run by vitest in a process of its own, as a user's suite
 * would run it. (readme-examples.test.ts typechecks it with every other example.) The README's
 * error-code table is checked against the code table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_RUNTIME_ERROR_CODES } from '@multinet/fake-runtime';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const README = join(REPO, 'packages', 'fake-runtime', 'README.md');
// Inside the repository, so that `@multinet/*` resolves to the workspace sources.
const WORK = join(REPO, '.readme-vitest');

/** The ```ts blocks that follow a `<!-- vitest: ... -->` line. Pure over the text. */
function extractVitestExamples(text: string): string[] {
  const lines = text.split('\n');
  const examples: string[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    if (!/^<!-- vitest:.*-->\s*$/.test(lines[i]!) || !/^```ts\s*$/.test(lines[i + 1]!)) continue;
    let end = i + 2;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    examples.push(lines.slice(i + 2, end).join('\n'));
  }
  return examples;
}

const examples = extractVitestExamples(readFileSync(README, 'utf8'));

beforeAll(async () => {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  await writeFile(join(WORK, 'package.json'), '{ "private": true, "type": "module" }\n');
  await writeFile(
    join(WORK, 'vitest.config.mjs'),
    "export default { resolve: { conditions: ['@multinet/source'] }, ssr: { resolve: { conditions: ['@multinet/source'] } }, test: { include: ['*.test.ts'], testTimeout: 60000 } };\n",
  );
  for (const [index, code] of examples.entries()) await writeFile(join(WORK, `example-${index + 1}.test.ts`), `${code}\n`);
});
afterAll(async () => {
  await rm(WORK, { recursive: true, force: true });
});

describe('the fake-runtime README', () => {
  it('has a vitest example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it('has vitest examples that pass when vitest runs them', async () => {
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', WORK, '--config', join(WORK, 'vitest.config.mjs'), '--reporter', 'verbose'],
        // Only PATH and HOME: nothing of this vitest run's environment leaks into the inner one.
        { cwd: WORK, timeout: 120_000, maxBuffer: 16 << 20, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    // eslint-disable-next-line no-control-regex
    const plain = result.output.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).not.toMatch(/Tests .*\d+ failed/);
    expect(Number(/Tests\s+(\d+) passed/.exec(plain)?.[1])).toBeGreaterThanOrEqual(examples.length);
    expect(result.code).toBe(0);
  }, 180_000);

  it('documents every error code of FAKE_RUNTIME_ERROR_CODES and no other', async () => {
    const readme = await readFile(README, 'utf8');
    const table = readme.slice(readme.indexOf('## Error codes'));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(FAKE_RUNTIME_ERROR_CODES).sort());
  });
});
