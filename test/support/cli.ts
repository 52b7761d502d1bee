/**
 * Running the `multinet` command as a user would: `node packages/fake-runtime/bin/multinet.js`.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bin script of the `multinet` command. */
export const MULTINET_BIN = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'packages', 'fake-runtime', 'bin', 'multinet.js');

/** Runs `multinet <args>` with only PATH and `env` in its environment; never rejects. */
export function runMultinet(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MULTINET_BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
