import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { createExecaExecutor } from './execa-executor.ts';

// execa passes through to the real one unless a test sets `fake.result`: then it hands back a
// subprocess that "ran" and ended with that result, without starting anything. That is how a
// spawned plugin whose result carries a stream errno (the stdin socket erroring before Node's
// exit cleanup: real, but racy) is made deterministic.
const fake = vi.hoisted(() => ({ result: undefined as Record<string, unknown> | undefined }));
/** Above the largest pid_max Linux allows (2^22), so no process can have it. */
const FAKE_PID = 4_194_305;
vi.mock('execa', async (importOriginal) => {
  const actual = await importOriginal<typeof import('execa')>();
  return {
    ...actual,
    execa: vi.fn((...args: Parameters<typeof actual.execa>) =>
      fake.result === undefined
        ? actual.execa(...args)
        : Object.assign(Promise.resolve(fake.result), { pid: FAKE_PID, stdout: new PassThrough(), stderr: new PassThrough(), once() {} }),
    ),
  };
});

/**
 * How the execa executor reports a plugin that could not be started (a spawn error with its
 * code and execa's message naming the plugin, empty output even when execa has none), and that a
 * plugin which did start never gets a spawn error, even when its result carries an errno.
 */
describe('the execa executor, spawn errors', () => {
  const bed = useScriptPlugins('multinet-execa-spawn-');
  const { request } = bed;
  afterEach(() => {
    fake.result = undefined;
  });

  it('names the plugin that is not there in the spawn error message', async () => {
    const missing = join(bed.dir, 'missing');
    const outcome = await createExecaExecutor().execPlugin(request(missing));
    expect(outcome.spawnError).toEqual({ code: 'ENOENT', message: expect.stringContaining(missing) });
  });

  it('reports empty output, not none, for a plugin path that Node refuses before spawning', async () => {
    const outcome = await createExecaExecutor().execPlugin(request(join(bed.dir, 'bad\0name')));
    expect(outcome).toEqual({
      exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false,
      spawnError: { code: 'ERR_INVALID_ARG_VALUE', message: expect.any(String) },
    });
  });

  it('reports no spawn error for a plugin that exited although its result carries an errno', async () => {
    fake.result = { exitCode: 0, code: 'ECONNRESET', stdout: 'ok\n', stderr: '', isMaxBuffer: false };
    expect(await createExecaExecutor().execPlugin(request(join(bed.dir, 'exits')))).toEqual({
      exitCode: 0, signal: null, stdout: 'ok\n', stderr: '', timedOut: false, aborted: false, outputTooLarge: false,
    });
  });

  it('reports no spawn error for a plugin ended by a signal although its result carries an errno', async () => {
    fake.result = { signal: 'SIGKILL', code: 'ECONNRESET', stdout: '', stderr: '', isMaxBuffer: false };
    expect(await createExecaExecutor().execPlugin(request(join(bed.dir, 'killed')))).toEqual({
      exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false,
    });
  });
});
