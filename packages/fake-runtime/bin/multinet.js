#!/usr/bin/env node
// The `multinet` command, always ONE process. In a published package it runs the built `dist/`.
// In a checkout of the repository (where `src/` exists) it runs the TypeScript sources in this
// same process: a resolve hook adds the `@multinet/source` condition and tsx's ESM loader
// compiles .ts on import, so `npx multinet …` works right after `npm ci`, with no build step,
// and a signal to this process (even SIGKILL) leaves nothing of the command behind.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');
const argv = process.argv.slice(2);

async function loadMain() {
  if (existsSync(source) && process.env.MULTINET_USE_DIST !== '1') {
    register(pathToFileURL(join(root, 'bin', 'source-conditions.mjs')));
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    return (await import(pathToFileURL(source).href)).main;
  }
  return (await import(pathToFileURL(built).href)).main;
}

try {
  const main = await loadMain();
  process.exitCode = await main(argv);
} catch (error) {
  // main() reports its own errors; this is the last resort (e.g. a broken install).
  const debug = argv.includes('--debug');
  process.stderr.write(`multinet: ${debug && error instanceof Error ? error.stack : error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
