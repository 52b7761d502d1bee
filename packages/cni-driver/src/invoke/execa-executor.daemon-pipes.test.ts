import { describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning } from '../../../../test/support/processes.ts';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { createExecaExecutor } from './execa-executor.ts';

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
  const bed = useScriptPlugins('multinet-execa-daemon-');
  const { plugin, request } = bed;

  it('returns at the exit of a plugin whose setsid daemon keeps its stdout and stderr open, with what the plugin wrote', async () => {
    const daemon = join(bed.dir, 'daemon');
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
      if (daemonPid !== undefined) bed.leave(daemonPid);
    }
  });
});
