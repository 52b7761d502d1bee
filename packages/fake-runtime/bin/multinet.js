#!/usr/bin/env node
// The `multinet` command. In a published package it runs the built `dist/`; in a checkout of
// the repository (where `src/` exists) it runs the TypeScript source through tsx, so that
// `npx multinet …` works right after `npm ci`, with no build step.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');

if (existsSync(source) && process.env.MULTINET_USE_DIST !== '1') {
  const child = spawn(
    process.execPath,
    ['--conditions=@multinet/source', '--import', 'tsx', '--no-warnings=ExperimentalWarning', source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  const { main } = await import(pathToFileURL(built).href);
  process.exitCode = await main(process.argv.slice(2));
}
