/**
 * What a spawner helper (the C one and the Node one) does with the plugins still running when its
 * parent goes (stdin closed): each runs on to its end within its kill grace — killed at once, an
 * IPAM plugin could be cut between creating a lease and writing its owner into it — and one still
 * running when its grace is over is killed; the helper exits with the last of them.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../../../../test/support/processes.ts';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { buildNodeSpawnerSource } from './node-spawner-helper.ts';
import { buildSpawner } from './spawner-build.ts';
import { encodeRunFrame } from './spawner-protocol.ts';

const HELPERS = [
  ['the C spawner', async (): Promise<[string, string[]]> => [await buildSpawner(), []]],
  ['the Node spawner', async (): Promise<[string, string[]]> => [process.execPath, ['-e', buildNodeSpawnerSource(false)]]],
] as const;

describe.each(HELPERS)('%s, when its parent goes', (_, helperCommand) => {
  const bed = useScriptPlugins('multinet-parent-gone-');

  /** Starts the helper, sends it one call of `path` (`held`: its stdin never sent), waits for the plugin's pid in `started`, then closes the helper's stdin. */
  async function abandonCall(path: string, killGraceMs: number, held = false): Promise<{ pid: number; exit: Promise<number | null> }> {
    const [command, args] = await helperCommand();
    const helper = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env: {} });
    helper.stdout.resume();
    const exit = new Promise<number | null>((resolve) => helper.once('exit', (code) => resolve(code)));
    helper.stdin.write(encodeRunFrame(1, { path, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, stdin: '{}', timeoutMs: 600_000, killGraceMs, maxOutputBytes: 1 << 20 }, held));
    const pid = await bed.pidIn(join(bed.dir, 'started'));
    helper.stdin.end();
    return { pid, exit };
  }
  const started = (): string => `echo $$ > ${join(bed.dir, 'started')}.tmp; mv ${join(bed.dir, 'started')}.tmp ${join(bed.dir, 'started')}`;

  it('lets a plugin in flight run to its end within its grace, then exits', async () => {
    const done = join(bed.dir, 'done');
    const path = await bed.plugin('finishes', `${started()}\nsleep 0.5\necho done > ${done}`);
    const { exit } = await abandonCall(path, 30_000);
    expect(await exit).toBe(0);
    expect(await readFile(done, 'utf8')).toBe('done\n');
  });

  it('kills a plugin still running when its grace is over, then exits', async () => {
    const path = await bed.plugin('hangs', `${started()}\nexec sleep 60`);
    const { pid, exit } = await abandonCall(path, 200);
    expect(await exit).toBe(0);
    await bed.until(() => !isRunning(pid));
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(join(bed.dir, 'done'))).toBe(false);
  });

  it('kills at once, whatever its grace, a plugin started held that never had its stdin, then exits', async () => {
    const read = join(bed.dir, 'read');
    const path = await bed.plugin('held', `${started()}\ncat > ${read}.tmp; mv ${read}.tmp ${read}`);
    // A 10-minute grace: the helper exiting within the test's time shows the held plugin was not given it.
    const { pid, exit } = await abandonCall(path, 600_000, true);
    expect(await exit).toBe(0);
    await bed.until(() => !isRunning(pid));
    expect(isRunning(pid)).toBe(false);
    expect(existsSync(read)).toBe(false);
  });
});
