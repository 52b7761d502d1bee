/**
 * A stand-in for `node:child_process`'s `execFile` that records each call (file, args, options)
 * and answers from a script, for tests that check how a command is run (its time limit, what a
 * failure with output means) without running it. Used inside `vi.mock`:
 *
 *   const exec = vi.hoisted((): ExecFileRecorder => ({ calls: [], answer: () => ({}) }));
 *   vi.mock('node:child_process', async (importOriginal) =>
 *     (await import('…/test/support/exec-file-recorder.ts')).withExecFileRecorder(await importOriginal(), exec));
 */

/** One recorded `execFile` call. */
export interface ExecFileCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly options: Record<string, unknown>;
}

/** What a faked call answers: the callback's error, stdout and stderr (default null, '', ''). */
export interface ExecFileAnswer {
  readonly error?: Error | null;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** The calls seen so far and the script that answers each one by its args. */
export interface ExecFileRecorder {
  readonly calls: ExecFileCall[];
  answer: (args: readonly string[]) => ExecFileAnswer;
}

/** `childProcess` with its `execFile` replaced by one that records into `recorder` and answers on the next turn. */
export function withExecFileRecorder<M extends object>(childProcess: M, recorder: ExecFileRecorder): M {
  const execFile = (file: string, args: readonly string[], options: Record<string, unknown>, callback: (error: Error | null, stdout: string, stderr: string) => void): void => {
    recorder.calls.push({ file, args, options });
    const { error = null, stdout = '', stderr = '' } = recorder.answer(args);
    setImmediate(() => callback(error, stdout, stderr));
  };
  return { ...childProcess, execFile };
}
