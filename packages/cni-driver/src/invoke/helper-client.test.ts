import { describe, expect, it } from 'vitest';
import { constants } from 'node:os';
import type { PluginExecOutcome } from './plugin-executor.ts';
import { call, exitOf, fakeHelpers } from '../../../../test/support/fake-spawner-helper.ts';

describe('the spawner helper client', () => {
  it("turns the helper's answers into outcomes: exit status, output and flags", async () => {
    const { executor } = fakeHelpers();
    try {
      const base = { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false };
      const outcomes = await Promise.all([
        executor.execPlugin(call({ kind: 0, status: 3, out: 'the out', err: 'the err' })),
        executor.execPlugin(call({ kind: 0, status: 0, flags: 1 })),
        executor.execPlugin(call({ kind: 0, status: 0, flags: 2 })),
        executor.execPlugin(call({ kind: 0, status: 0, flags: 4 })),
      ]);
      expect(outcomes).toEqual<PluginExecOutcome[]>([
        { ...base, exitCode: 3, stdout: 'the out', stderr: 'the err' },
        { ...base, timedOut: true },
        { ...base, outputTooLarge: true },
        { ...base, aborted: true },
      ]);
    } finally {
      await executor.close?.();
    }
  });

  it('names the signal that ended a plugin, and numbers one it does not know', async () => {
    const { executor } = fakeHelpers();
    try {
      expect(await executor.execPlugin(call({ kind: 1, status: constants.signals.SIGKILL }))).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
      expect(await executor.execPlugin(call({ kind: 1, status: 200 }))).toMatchObject({ exitCode: null, signal: 'SIG200' });
    } finally {
      await executor.close?.();
    }
  });

  it('names the errno of a plugin that could not be started, and numbers one it does not know', async () => {
    const { executor } = fakeHelpers();
    try {
      expect(await executor.execPlugin(call({ kind: 2, status: constants.errno.EACCES, err: 'x' }))).toMatchObject({
        exitCode: null, signal: null, stderr: 'x', spawnError: { code: 'EACCES', message: 'spawn failed: EACCES' },
      });
      expect((await executor.execPlugin(call({ kind: 2, status: 4242 }))).spawnError).toEqual({ code: 'errno 4242', message: 'spawn failed: errno 4242' });
      expect((await executor.execPlugin(call({ kind: 0, status: 0 }))).spawnError).toBeUndefined();
    } finally {
      await executor.close?.();
    }
  });

  it('puts together an answer that arrives in pieces', async () => {
    const { executor } = fakeHelpers();
    try {
      expect(await executor.execPlugin(call({ kind: 0, status: 5, out: 'x'.repeat(100), split: true }))).toMatchObject({ exitCode: 5, stdout: 'x'.repeat(100) });
    } finally {
      await executor.close?.();
    }
  });

  it('fails the calls of a helper that died with EHELPER, and starts a new helper for the next call', async () => {
    const { executor, started } = fakeHelpers();
    try {
      const held = executor.execPlugin(call({ hold: true }));
      const dying = await executor.execPlugin(call({ exit: true }));
      expect(dying).toMatchObject({ exitCode: null, signal: null, spawnError: { code: 'EHELPER', message: 'the spawner helper exited' }, stderr: 'the spawner helper exited' });
      expect((await held).spawnError?.code).toBe('EHELPER');
      expect(await executor.execPlugin(call({ kind: 0, status: 0, out: 'fresh' }))).toMatchObject({ exitCode: 0, stdout: 'fresh' });
      expect(started).toHaveLength(2);
    } finally {
      await executor.close?.();
    }
  });

  it('sends a cancel for an aborted call and gives every caller its own answer', async () => {
    const { executor, started } = fakeHelpers();
    try {
      const controller = new AbortController();
      const held = executor.execPlugin(call({ hold: true }, { signal: controller.signal }));
      const other = await executor.execPlugin(call({ kind: 0, status: 0, out: 'other' }));
      controller.abort();
      const aborted = await held;
      expect(other).toMatchObject({ stdout: 'other', aborted: false });
      expect(aborted).toMatchObject({ aborted: true, signal: 'SIGTERM', stdout: 'cancelled 1' });
      expect(started).toHaveLength(1);
    } finally {
      await executor.close?.();
    }
  });

  it('does not start anything for a call aborted before it began', async () => {
    const { executor, started } = fakeHelpers();
    const controller = new AbortController();
    controller.abort();
    expect(await executor.execPlugin(call({ kind: 0 }, { signal: controller.signal }))).toEqual({
      exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, outputTooLarge: false,
    });
    expect(started).toEqual([]);
    await executor.close?.();
  });

  it('keeps one helper per fence, reused by later calls with the same fence', async () => {
    const { executor, started } = fakeHelpers();
    try {
      await executor.execPlugin(call({ kind: 0 }));
      await executor.execPlugin(call({ kind: 0 }, { fenceFd: 7 }));
      await executor.execPlugin(call({ kind: 0 }, { fenceFd: 7 }));
      await executor.execPlugin(call({ kind: 0 }));
      expect(started.map((s) => s.fenceFd)).toEqual([undefined, 7]);
    } finally {
      await executor.close?.();
    }
  });

  it("ends only the fence's helper on releaseFence, once it has exited, and a later fenced call starts a new one", async () => {
    const { executor, started } = fakeHelpers();
    try {
      await executor.execPlugin(call({ kind: 0 }));
      await executor.execPlugin(call({ kind: 0 }, { fenceFd: 7 }));
      await executor.releaseFence?.(7);
      expect(started.map((s) => [s.fenceFd, s.child.exitCode])).toEqual([[undefined, null], [7, 0]]);
      await executor.releaseFence?.(7);
      await executor.releaseFence?.(8);
      expect(await executor.execPlugin(call({ kind: 0, out: 'again' }, { fenceFd: 7 }))).toMatchObject({ stdout: 'again' });
      expect(started.map((s) => s.fenceFd)).toEqual([undefined, 7, 7]);
    } finally {
      await executor.close?.();
    }
  });

  it('ends every helper on close and resolves once they have exited', async () => {
    const { executor, started } = fakeHelpers();
    await executor.execPlugin(call({ kind: 0 }));
    await executor.execPlugin(call({ kind: 0 }, { fenceFd: 7 }));
    await executor.close?.();
    expect(started.map((s) => s.child.exitCode)).toEqual([0, 0]);
    await executor.close?.();
  });

  it('does not let an idle helper keep the process alive, but holds it while any call runs', async () => {
    const { executor, started } = fakeHelpers();
    const handles = (): number => process.getActiveResourcesInfo().filter((name) => name === 'ProcessWrap' || name === 'PipeWrap').length;
    try {
      await executor.execPlugin(call({ kind: 0 }));
      const idle = handles();
      const controller = new AbortController();
      const held = executor.execPlugin(call({ hold: true }, { signal: controller.signal }));
      expect(handles()).toBeGreaterThan(idle);
      await executor.execPlugin(call({ kind: 0 }));
      expect(handles()).toBeGreaterThan(idle);
      controller.abort();
      await held;
      expect(handles()).toBe(idle);
    } finally {
      await executor.close?.();
    }
    await Promise.all(started.map((s) => exitOf(s.child)));
  });
});
