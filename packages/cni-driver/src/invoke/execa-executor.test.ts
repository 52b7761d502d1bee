import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { isRunning } from '../../../../test/support/processes.ts';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { createExecaExecutor } from './execa-executor.ts';
import { describeExecutorContract } from './executor-contract.ts';

describeExecutorContract('execa', join(FIXTURE_PLUGIN_DIR, 'noop'), async () => ({ executor: createExecaExecutor(), close: async () => {} }), {
  module: fileURLToPath(new URL('./execa-executor.ts', import.meta.url)),
  factory: 'createExecaExecutor',
});

describe('the execa executor', () => {
  const bed = useScriptPlugins('multinet-execa-');
  const { plugin, request, until, pidIn } = bed;
  /** A grandchild that ignores SIGTERM and holds none of the plugin's pipes; its pid goes to `file`. */
  const stubbornGrandchild = (file: string): string => `(trap '' TERM; exec sleep 30 </dev/null >/dev/null 2>&1) &\necho $! > ${file}.tmp; mv ${file}.tmp ${file}`;

  it('does not start a plugin for a call aborted before it began', async () => {
    const marker = join(bed.dir, 'ran');
    const path = await plugin('marks', `touch ${marker}`);
    const controller = new AbortController();
    controller.abort();
    expect(await createExecaExecutor().execPlugin(request(path, { signal: controller.signal }))).toEqual({
      exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, outputTooLarge: false,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a plugin that is not there as a spawn error with ENOENT and nothing else', async () => {
    const outcome = await createExecaExecutor().execPlugin(request(join(bed.dir, 'missing')));
    expect(outcome).toEqual({
      exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false, spawnError: { code: 'ENOENT', message: expect.stringContaining('ENOENT') },
    });
  });

  it('reports the signal that ended a plugin, without a spawn error', async () => {
    const path = await plugin('signals-itself', 'echo partial\nkill -s USR1 $$');
    expect(await createExecaExecutor().execPlugin(request(path))).toEqual({
      exitCode: null, signal: 'SIGUSR1', stdout: 'partial\n', stderr: '', timedOut: false, aborted: false, outputTooLarge: false,
    });
  });

  it('sends SIGKILL once the grace is over when an aborted plugin ignores SIGTERM', async () => {
    const ready = join(bed.dir, 'ready');
    const path = await plugin('ignores-term', `trap '' TERM\necho $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal, killGraceMs: 50 }));
    await pidIn(ready);
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, timedOut: false, signal: 'SIGKILL', exitCode: null });
  });

  it('kills a grandchild that ignored SIGTERM once an aborted plugin has exited, without waiting for the grace', async () => {
    const pidFile = join(bed.dir, 'grandchild');
    const path = await plugin('aborted', `${stubbornGrandchild(pidFile)}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal, killGraceMs: 600_000 }));
    const grandchild = await pidIn(pidFile);
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, signal: 'SIGTERM' });
    await until(() => !isRunning(grandchild));
    expect(isRunning(grandchild)).toBe(false);
  });

  it('kills a grandchild that ignored SIGTERM once a timed-out plugin has exited', async () => {
    const pidFile = join(bed.dir, 'grandchild');
    const path = await plugin('times-out', `${stubbornGrandchild(pidFile)}\nwhile :; do sleep 1; done`);
    const outcome = await createExecaExecutor().execPlugin(request(path, { timeoutMs: 1_000, killGraceMs: 600_000 }));
    const grandchild = await pidIn(pidFile);
    expect(outcome).toMatchObject({ timedOut: true, aborted: false });
    await until(() => !isRunning(grandchild));
    expect(isRunning(grandchild)).toBe(false);
  });

  it('kills a plugin that keeps running once it went past the output cap, without waiting for the timeout', async () => {
    const path = await plugin('talks-then-waits', 'head -c 5000 /dev/zero\nexec sleep 30');
    const outcome = await createExecaExecutor().execPlugin(request(path, { maxOutputBytes: 1000, timeoutMs: 20_000 }));
    expect(outcome).toMatchObject({ outputTooLarge: true, timedOut: false, aborted: false, exitCode: null, signal: 'SIGKILL' });
  });

  it('kills a grandchild that ignored SIGTERM once a plugin past the output cap has been ended', async () => {
    const pidFile = join(bed.dir, 'grandchild');
    const path = await plugin('too-talkative', `${stubbornGrandchild(pidFile)}\nhead -c 5000 /dev/zero\nwhile :; do sleep 1; done`);
    const outcome = await createExecaExecutor().execPlugin(request(path, { maxOutputBytes: 1000, killGraceMs: 600_000 }));
    const grandchild = await pidIn(pidFile);
    expect(outcome).toMatchObject({ outputTooLarge: true, timedOut: false, aborted: false });
    await until(() => !isRunning(grandchild));
    expect(isRunning(grandchild)).toBe(false);
  });

  it('runs the plugin with no arguments and with the env it was given, nothing inherited', async () => {
    const path = await plugin('shows-itself', 'echo "args=$#"\necho "leak=${MULTINET_EXECA_LEAK:-none}"\necho "given=$GIVEN"');
    process.env['MULTINET_EXECA_LEAK'] = 'leaked';
    try {
      const outcome = await createExecaExecutor().execPlugin(request(path, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', GIVEN: 'yes' } }));
      expect(outcome.stdout).toBe('args=0\nleak=none\ngiven=yes\n');
    } finally {
      delete process.env['MULTINET_EXECA_LEAK'];
    }
  });

  it('keeps a call that timed out reported as timed out, not aborted, when the caller aborts during the grace', async () => {
    const termed = join(bed.dir, 'termed');
    const ready = join(bed.dir, 'ready');
    const path = await plugin('outlives-term', `trap 'echo term > ${termed}.tmp; mv ${termed}.tmp ${termed}' TERM\necho $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}\nwhile :; do sleep 0.05; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal, timeoutMs: 200, killGraceMs: 3_000 }));
    await pidIn(ready);
    await until(() => existsSync(termed));
    controller.abort();
    expect(await running).toMatchObject({ timedOut: true, aborted: false, signal: 'SIGKILL' });
  });

  it('leaves no timer behind once a call is over', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timers();
    const quick = await plugin('quick', 'echo ok');
    await createExecaExecutor().execPlugin(request(quick));
    expect(timers()).toBeLessThanOrEqual(before);
    const ready = join(bed.dir, 'ready');
    const slow = await plugin('slow', `echo $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(slow, { signal: controller.signal, killGraceMs: 600_000 }));
    await pidIn(ready);
    controller.abort();
    expect(await running).toMatchObject({ aborted: true, signal: 'SIGTERM' });
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('clears the grace timer once an aborted plugin has died of the SIGTERM', async () => {
    const grace = 600_123; // only this call's grace timer has this delay
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
    try {
      const ready = join(bed.dir, 'ready');
      const path = await plugin('dies-on-term', `echo $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}\nwhile :; do sleep 1; done`);
      const controller = new AbortController();
      const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal, killGraceMs: grace }));
      await pidIn(ready);
      controller.abort();
      expect(await running).toMatchObject({ aborted: true, signal: 'SIGTERM' });
      const graceTimers = setTimer.mock.calls.flatMap(([, delay], i) => (delay === grace ? [setTimer.mock.results[i]?.value] : []));
      expect(graceTimers).toHaveLength(1);
      expect(clearTimer.mock.calls.some(([timer]) => timer === graceTimers[0])).toBe(true);
    } finally {
      setTimer.mockRestore();
      clearTimer.mockRestore();
    }
  });

  it("leaves no listener on the caller's signal and no exit hook once a call is over, and has one of each while it runs", async () => {
    const ready = join(bed.dir, 'ready');
    const path = await plugin('waits', `echo $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}\nread line\necho done`);
    const controller = new AbortController();
    const exitHooks = process.listenerCount('exit');
    const executor = createExecaExecutor();
    const done = await executor.execPlugin(request(path, { signal: controller.signal, stdin: 'go\n' }));
    expect(done).toMatchObject({ exitCode: 0, stdout: 'done\n' });
    expect([getEventListeners(controller.signal, 'abort').length, process.listenerCount('exit')]).toEqual([0, exitHooks]);
    const waiting = join(bed.dir, 'waiting');
    const blocked = await plugin('blocks', `echo $$ > ${waiting}.tmp; mv ${waiting}.tmp ${waiting}\nwhile :; do sleep 1; done`);
    const running = executor.execPlugin(request(blocked, { signal: controller.signal }));
    await pidIn(waiting);
    expect([getEventListeners(controller.signal, 'abort').length, process.listenerCount('exit')]).toEqual([1, exitHooks + 1]);
    controller.abort();
    await running;
    expect([getEventListeners(controller.signal, 'abort').length, process.listenerCount('exit')]).toEqual([0, exitHooks]);
  });
});
