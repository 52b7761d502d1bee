/**
 * The helper client stays sound when its helper misbehaves: an answer for a call nobody is
 * waiting for is dropped without an error (and the answers after it still arrive), and a helper
 * that closed its stdin gives no unhandled error, only EHELPER for its calls once it is gone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHelperExecutor, type HelperProcess } from './helper-client.ts';
import { call, exitOf, fakeHelpers } from '../../../../test/support/fake-spawner-helper.ts';

/** Records the uncaught exceptions of this process until `stop()`; `first` resolves with the first one. */
function watchUncaught() {
  const errors: unknown[] = [];
  let onFirst: (error: unknown) => void = () => undefined;
  const first = new Promise<unknown>((resolve) => (onFirst = resolve));
  const listener = (error: unknown): void => {
    errors.push(error);
    onFirst(error);
  };
  process.on('uncaughtException', listener);
  return { errors, first, stop: () => void process.off('uncaughtException', listener) };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the spawner helper client with a faulty helper', () => {
  it('drops an answer for a call nobody waits for, without an error, and still delivers the answer written after it', async () => {
    const { executor, started } = fakeHelpers();
    const uncaught = watchUncaught();
    try {
      const answered = executor.execPlugin(call({ kind: 0, status: 4, out: 'the real answer', stray: true }));
      const first = await Promise.race([answered.then((outcome) => ({ outcome })), uncaught.first.then((error) => ({ error }))]);
      expect(first).toEqual({ outcome: expect.objectContaining({ exitCode: 4, stdout: 'the real answer' }) });
      expect(await executor.execPlugin(call({ kind: 0, out: 'next' }))).toMatchObject({ stdout: 'next' });
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      await executor.close?.();
      for (const { child } of started) child.kill('SIGKILL');
      await Promise.all(started.map((s) => exitOf(s.child)));
    }
  });

  it('turns a request its helper can no longer read into no unhandled error, and the calls into EHELPER once the helper is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multinet-helper-client-'));
    const ready = join(dir, 'READY');
    const started: HelperProcess[] = [];
    // A helper that closes its stdin, says so, and stays.
    const executor = createHelperExecutor(() => {
      const child = spawn('sh', ['-c', 'exec 0<&-; : > "$1"; exec sleep 30', 'sh', ready], { stdio: ['pipe', 'pipe', 'inherit'] });
      started.push(child);
      return child;
    });
    const uncaught = watchUncaught();
    try {
      const before = executor.execPlugin(call({ kind: 0 }));
      await until(() => existsSync(ready));
      const after = executor.execPlugin(call({ kind: 0 }));
      expect(started).toHaveLength(1);
      const helper = started[0]!;
      await until(() => helper.stdin.errored !== null);
      expect(helper.stdin.errored).toMatchObject({ code: 'EPIPE' });
      helper.kill();
      const outcomes = await Promise.all([before, after]);
      expect(outcomes.map((outcome) => outcome.spawnError?.code)).toEqual(['EHELPER', 'EHELPER']);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
      for (const child of started) child.kill('SIGKILL');
      await Promise.all(started.map((child) => exitOf(child)));
      await executor.close?.();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
