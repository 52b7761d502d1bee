/**
 * How the helper client ends its helpers: a closing helper holds the process until it has
 * exited, close() resolves even for a helper that never started, and a released helper's late
 * exit does not disturb the helper that took over its fence.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createHelperExecutor, type HelperProcess } from './helper-client.ts';
import { call, exitOf, FAKE_HELPER, fakeHelpers } from '../../../../test/support/fake-spawner-helper.ts';

/** Ref'd child-process and pipe handles: what keeps the process alive. */
const handles = (): number => process.getActiveResourcesInfo().filter((name) => name === 'ProcessWrap' || name === 'PipeWrap').length;

/** 'settled' if `promise` settles within `ms`, else 'still pending' (a deadline, so a hang fails the test instead of the suite). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'still pending'>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)));
  try {
    return await Promise.race([promise.then(() => 'settled' as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the spawner helper client ending its helpers', () => {
  it('holds an idle helper again while it closes, so the process waits for its exit', async () => {
    const { executor, started } = fakeHelpers();
    try {
      await executor.execPlugin(call({ kind: 0 }));
      const idle = handles();
      const closing = executor.close?.();
      expect(handles()).toBeGreaterThan(idle);
      await closing;
      expect(started.map((s) => s.child.exitCode)).toEqual([0]);
    } finally {
      await executor.close?.();
      for (const { child } of started) child.kill('SIGKILL');
      await Promise.all(started.map((s) => exitOf(s.child)));
    }
  });

  it('resolves close() for a helper that failed to start', async () => {
    const failed: Array<Promise<Error>> = [];
    const executor = createHelperExecutor(() => {
      const child = spawn('/nonexistent/multinet-helper', [], { stdio: ['pipe', 'pipe', 'inherit'] });
      failed.push(new Promise((resolve) => child.on('error', resolve)));
      return child;
    });
    void executor.execPlugin(call({ kind: 0 }));
    expect(failed).toHaveLength(1);
    expect(await failed[0]).toMatchObject({ code: 'ENOENT' });
    expect(await settlesWithin(executor.close?.() ?? Promise.resolve(), 10_000)).toBe('settled');
  });

  it('answers a call sent to a helper that failed to start with EHELPER instead of leaving it pending', async () => {
    const executor = createHelperExecutor(() => spawn('/nonexistent/multinet-helper', [], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outcome = executor.execPlugin(call({ kind: 0 }));
    // close() before the spawn failure is even reported: it must not wait for an exit that never comes.
    const closing = executor.close?.() ?? Promise.resolve();
    expect(await settlesWithin(outcome, 10_000)).toBe('settled');
    expect(await outcome).toMatchObject({ exitCode: null, signal: null, spawnError: { code: 'EHELPER', message: 'the spawner helper could not be started: ENOENT' } });
    expect(await settlesWithin(closing, 10_000)).toBe('settled');
  });

  it('starts a new helper for the next call after one failed to start', async () => {
    const started: HelperProcess[] = [];
    const executor = createHelperExecutor(() => {
      const child = spawn(started.length === 0 ? '/nonexistent/multinet-helper' : process.execPath, ['-e', FAKE_HELPER], { stdio: ['pipe', 'pipe', 'inherit'] });
      started.push(child);
      return child;
    });
    try {
      expect(await executor.execPlugin(call({ kind: 0 }))).toMatchObject({ spawnError: { code: 'EHELPER' } });
      expect(await executor.execPlugin(call({ kind: 0, out: 'second' }))).toMatchObject({ exitCode: 0, stdout: 'second' });
      expect(started).toHaveLength(2);
    } finally {
      await executor.close?.();
      for (const child of started) child.kill('SIGKILL');
      await Promise.all(started.slice(1).map((child) => exitOf(child)));
    }
  });

  it("keeps the helper that took over a released fence when the released one's exit arrives late", async () => {
    const { executor, started } = fakeHelpers();
    try {
      await executor.execPlugin(call({ kind: 0 }, { fenceFd: 7 }));
      const releasing = executor.releaseFence?.(7);
      const during = executor.execPlugin(call({ kind: 0, out: 'during' }, { fenceFd: 7 }));
      await releasing;
      expect(await during).toMatchObject({ stdout: 'during' });
      expect(await executor.execPlugin(call({ kind: 0, out: 'after' }, { fenceFd: 7 }))).toMatchObject({ stdout: 'after' });
      expect(started.map((s) => s.fenceFd)).toEqual([7, 7]);
      await executor.close?.();
      expect(started.map((s) => s.child.exitCode)).toEqual([0, 0]);
    } finally {
      await executor.close?.();
      for (const { child } of started) child.kill('SIGKILL');
      await Promise.all(started.map((s) => exitOf(s.child)));
    }
  });
});
