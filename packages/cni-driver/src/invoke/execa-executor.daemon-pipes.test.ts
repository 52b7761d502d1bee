import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning } from '../../../../test/support/processes.ts';
import { createExecaExecutor } from './execa-executor.ts';
import type { PluginExecRequest } from './plugin-executor.ts';

// The daemon that holds the plugin's pipes is never found (killStdioHolders finds nothing), so
// only the executor closing its own ends of the pipes can end the call.
vi.mock('./stdio-holders.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./stdio-holders.ts')>();
  return { ...actual, killStdioHolders: vi.fn(() => []) };
});

/**
 * Once a plugin has exited, the execa executor closes its ends of the plugin's pipes after the
 * drain, so a call returns with the plugin's exit even when a daemon it left (in its own session,
 * so outside the plugin's group) still holds them and was not found to be killed.
 */
describe('the execa executor, pipes held by a daemon that is not found', () => {
  let dir: string;
  const leftovers: number[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-execa-daemon-'));
  });
  afterEach(async () => {
    for (const pid of leftovers.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes an executable sh script into the test dir. */
  const plugin = async (name: string, body: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  };
  const request = (path: string, patch: Partial<PluginExecRequest> = {}): PluginExecRequest => ({
    path, stdin: '{}', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, timeoutMs: 20_000, killGraceMs: 100, maxOutputBytes: 1 << 20, ...patch,
  });

  it('returns at the exit of a plugin whose setsid daemon keeps its stdout and stderr open, with what the plugin wrote', async () => {
    const daemon = join(dir, 'daemon');
    // The daemon writes its own pid (setsid may fork), and lives far longer than the call's timeout.
    const path = await plugin('leaves-daemon', `setsid sh -c 'echo $$ > ${daemon}.tmp; mv ${daemon}.tmp ${daemon}; exec sleep 30' &\nwhile [ ! -e ${daemon} ]; do sleep 0.01; done\necho ok`);
    let daemonPid: number | undefined;
    try {
      const outcome = await createExecaExecutor().execPlugin(request(path, { timeoutMs: 5_000 }));
      daemonPid = Number(await readFile(daemon, 'utf8'));
      expect(outcome).toMatchObject({ exitCode: 0, signal: null, stdout: 'ok\n', timedOut: false, aborted: false });
      expect(isRunning(daemonPid)).toBe(true);
    } finally {
      if (daemonPid === undefined && existsSync(daemon)) daemonPid = Number(await readFile(daemon, 'utf8'));
      if (daemonPid !== undefined) leftovers.push(daemonPid);
    }
  });
});
