import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaExecutor } from './execa-executor.ts';
import type { PluginExecRequest } from './plugin-executor.ts';

/**
 * The execa executor's own output cap: it counts bytes (execa's maxBuffer counts decoded
 * characters), allows output of exactly the cap, and watches stderr as well as stdout. A plugin
 * past the cap is killed at once, so it ends by SIGKILL and not by the timeout.
 */
describe('the execa executor, output cap', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-execa-cap-'));
  });
  afterEach(async () => {
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
  /** 600 × 'é' (2 bytes each in UTF-8): 1200 bytes, but only 600 characters. */
  const multibyte = `i=0; while [ $i -lt 600 ]; do printf '\\303\\251'; i=$((i+1)); done`;

  it('accepts output of exactly the cap', async () => {
    const path = await plugin('at-the-cap', 'head -c 1000 /dev/zero');
    expect(await createExecaExecutor().execPlugin(request(path, { maxOutputBytes: 1000 }))).toMatchObject({
      exitCode: 0, signal: null, stdout: '\0'.repeat(1000), outputTooLarge: false, timedOut: false,
    });
  });

  it('counts the cap in bytes: multibyte stdout past it in bytes, though not in characters, is too large and the plugin is killed', async () => {
    const path = await plugin('multibyte', `${multibyte}\nexec sleep 30`);
    expect(await createExecaExecutor().execPlugin(request(path, { maxOutputBytes: 1000 }))).toMatchObject({
      outputTooLarge: true, timedOut: false, aborted: false, exitCode: null, signal: 'SIGKILL',
    });
  });

  it('kills a plugin that keeps running once its stderr went past the cap, without waiting for the timeout', async () => {
    const path = await plugin('talks-on-stderr-then-waits', 'head -c 5000 /dev/zero >&2\nexec sleep 30');
    expect(await createExecaExecutor().execPlugin(request(path, { maxOutputBytes: 1000 }))).toMatchObject({
      outputTooLarge: true, timedOut: false, aborted: false, exitCode: null, signal: 'SIGKILL',
    });
  });
});
