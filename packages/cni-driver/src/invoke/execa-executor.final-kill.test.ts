import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { createExecaExecutor } from './execa-executor.ts';

// The executor asks node:fs whether a reaped plugin's pid is held by another process before it
// signals the group; the mock passes through unless a test says that pid is taken.
const taken = vi.hoisted(() => new Set<string>());
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, existsSync: vi.fn((path: Parameters<typeof actual.existsSync>[0]) => taken.has(String(path)) || actual.existsSync(path)) };
});

/**
 * The final group kill after a kill path (line `if (timedOut || aborted || outputTooLarge)`) is
 * observed through a spy on process.kill that calls through. SAFETY: every plugin here leaves a
 * grandchild in its process group that ignores SIGTERM and holds no pipe, so the group — and with
 * it the plugin's pid — stays ours for as long as the test runs; afterEach kills it by its pid.
 */
describe('the execa executor, final kill of the process group', () => {
  const bed = useScriptPlugins('multinet-execa-final-', { timeoutMs: 600_000, killGraceMs: 600_000 });
  const { plugin, request, pidIn } = bed;
  let kill: MockInstance<typeof process.kill>;
  beforeEach(() => {
    kill = vi.spyOn(process, 'kill');
  });
  afterEach(() => {
    kill.mockRestore();
    taken.clear();
  });

  /** The plugin's body: a grandchild in its group that ignores SIGTERM (pid to `grandchild`), then its own pid to `ready`. */
  const holdsGroup = (grandchild: string, ready: string): string =>
    `(trap '' TERM; exec sleep 3600 </dev/null >/dev/null 2>&1) &\necho $! > ${grandchild}.tmp; mv ${grandchild}.tmp ${grandchild}\necho $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}`;
  /** The signals process.kill was asked to send to the group `pgid`. */
  const groupSignals = (pgid: number): unknown[] => kill.mock.calls.filter(([pid]) => pid === -pgid).map(([, signal]) => signal);

  /** Starts a plugin that holds its group and loops until killed, aborts it once it runs; returns its pid. */
  const abortRunning = async (): Promise<number> => {
    const grandchildFile = join(bed.dir, 'grandchild');
    const ready = join(bed.dir, 'ready');
    const path = await plugin('aborted', `${holdsGroup(grandchildFile, ready)}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal }));
    await pidIn(grandchildFile);
    const pid = await pidIn(ready);
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, timedOut: false, outputTooLarge: false, signal: 'SIGTERM' });
    return pid;
  };

  it('sends SIGKILL to the group of an aborted plugin once it has exited, after the SIGTERM and before the grace is over', async () => {
    const pid = await abortRunning();
    expect(groupSignals(pid)).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('sends nothing more to the group of an aborted plugin once its pid is held by another process after the reap', async () => {
    const grandchildFile = join(bed.dir, 'grandchild');
    const ready = join(bed.dir, 'ready');
    const path = await plugin('aborted', `${holdsGroup(grandchildFile, ready)}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal }));
    await pidIn(grandchildFile);
    const pid = await pidIn(ready);
    taken.add(`/proc/${pid}`);
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, signal: 'SIGTERM' });
    expect(groupSignals(pid)).toEqual(['SIGTERM']);
  });

  it('sends no signal to the group of a plugin that exited by itself, even one that left a process in its group', async () => {
    const grandchildFile = join(bed.dir, 'grandchild');
    const ready = join(bed.dir, 'ready');
    const path = await plugin('exits', `${holdsGroup(grandchildFile, ready)}\necho '{}'`);
    const outcome = await createExecaExecutor().execPlugin(request(path));
    await pidIn(grandchildFile);
    const pid = await pidIn(ready);
    expect(outcome).toMatchObject({ exitCode: 0, stdout: '{}\n', aborted: false, timedOut: false, outputTooLarge: false });
    expect(groupSignals(pid)).toEqual([]);
  });
});
