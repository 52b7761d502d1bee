import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning } from '../../../../test/support/processes.ts';
import { createExecaExecutor } from './execa-executor.ts';
import type { PluginExecRequest } from './plugin-executor.ts';

/**
 * What the execa executor leaves on the caller's abort signal and on `process` 'exit': its abort
 * listener is gone as soon as the abort fired (not only once the call is over), and a plugin that
 * never started leaves no exit hook behind.
 */
describe('the execa executor, listeners it adds and removes', () => {
  let dir: string;
  const leftovers: number[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-execa-listeners-'));
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
  const until = async (condition: () => boolean): Promise<void> => {
    for (let i = 0; i < 1_000_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  };
  /** The pid a plugin wrote to `file` once it is complete (written to a temp name, then renamed). */
  const pidIn = async (file: string): Promise<number> => {
    await until(() => existsSync(file));
    const pid = Number(await readFile(file, 'utf8'));
    leftovers.push(pid);
    return pid;
  };

  it("takes its listener off the caller's signal as soon as the abort fired, while the plugin still runs", async () => {
    const ready = join(dir, 'ready');
    const path = await plugin('ignores-term', `trap '' TERM\necho $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}\nwhile :; do sleep 1; done`);
    const controller = new AbortController();
    const running = createExecaExecutor().execPlugin(request(path, { signal: controller.signal }));
    await pidIn(ready);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(await running).toMatchObject({ aborted: true, signal: 'SIGKILL' });
  });

  it('leaves no exit hook behind for a plugin that could not be started', async () => {
    const exitHooks = process.listenerCount('exit');
    const outcome = await createExecaExecutor().execPlugin(request(join(dir, 'missing')));
    expect(outcome.spawnError?.code).toBe('ENOENT');
    expect(process.listenerCount('exit')).toBe(exitHooks);
  });
});
