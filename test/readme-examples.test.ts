/**
 * Documentation cannot rot: every fenced ```ts example in every README (root and packages) is
 * extracted into .readme-examples/ (inside the repository, so `@multinet/*` resolves to the
 * workspace sources like it does for the suite) and typechecked with the repository's compiler
 * settings; examples fenced as ```ts run are also run, as a user would run them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
const WORK = join(REPO, '.readme-examples');

interface Example {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
  readonly run: boolean;
  readonly file: string;
}

function listReadmes(): string[] {
  const packages = readdirSync(join(REPO, 'packages')).map((name) => join(REPO, 'packages', name, 'README.md'));
  return [join(REPO, 'README.md'), ...packages].filter((file) => existsSync(file));
}

/** Every ```ts block of a README, with the line it starts on. Pure over the text. */
function extractTsExamples(text: string): Array<{ line: number; code: string; run: boolean }> {
  const examples: Array<{ line: number; code: string; run: boolean }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(\s+run)?\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    examples.push({ line: start + 1, code: lines.slice(start, end).join('\n'), run: open[2] !== undefined });
    i = end;
  }
  return examples;
}

const examples: Example[] = listReadmes().flatMap((readme) => {
  const name = relative(REPO, readme).replace(/\/?README\.md$/, '').replace(/[/\\]/g, '-') || 'root';
  return extractTsExamples(readFileSync(readme, 'utf8')).map((example, index) => ({
    ...example,
    readme: relative(REPO, readme),
    file: join(WORK, `${name}-${index + 1}.ts`),
  }));
});

function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 120_000, maxBuffer: 16 << 20, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let diagnostics = '';
beforeAll(async () => {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  await writeFile(join(WORK, 'package.json'), '{ "private": true, "type": "module" }\n');
  await writeFile(join(WORK, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.base.json', include: ['*.ts'] }));
  for (const example of examples) await writeFile(example.file, `${example.code}\n`);
  const result = await run(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], WORK);
  diagnostics = `${result.stdout}${result.stderr}`;
});
afterAll(async () => {
  await rm(WORK, { recursive: true, force: true });
});

describe('README examples', () => {
  it('finds the TypeScript examples of the package READMEs', () => {
    expect(new Set(examples.map((e) => e.readme))).toEqual(
      new Set(['packages/checkpoint/README.md', 'packages/cni-driver/README.md', 'packages/cni-types/README.md', 'packages/fake-runtime/README.md']),
    );
  });

  describe.each(examples.map((e) => [`${e.readme}:${e.line}`, e] as const))('%s', (_, example) => {
    it('typechecks under the repository settings (strict, NodeNext)', () => {
      const errors = diagnostics.split('\n').filter((line) => line.startsWith(`${relative(WORK, example.file)}(`));
      expect(errors).toEqual([]);
    });

    if (!example.run) return;
    it('runs to completion with no error output', async () => {
      const cwd = await mkdtemp(join(WORK, 'run-'));
      try {
        const result = await run(process.execPath, ['--conditions=@multinet/source', '--import', 'tsx', example.file], cwd);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      } finally {
        await rm(cwd, { recursive: true, force: true });
      }
    });
  });
});
