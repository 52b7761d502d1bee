import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelperExecutor, type HelperProcess } from './helper-client.ts';
import { buildNodeSpawnerSource } from './node-spawner-helper.ts';

// A plugin's output is all in its pipe once it has exited; the wait for a daemon that may hold
// the pipe must never throw away what the plugin itself wrote. With no wait at all (0 ms), the
// drain timer fires in the helper's next timers phase, before the poll phase that reads the
// pipe: a busy or starved helper (the crash soak, at a load of 20, lost a ptp result so) did
// exactly that.
describe('output of a plugin that exited is never lost to the daemon wait', () => {
  let dir: string;
  let plugin: string;
  const expected = `${JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '10.250.9.9/24' }], pad: 'x'.repeat(3000) })}\n`;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-exited-output-'));
    plugin = join(dir, 'printer');
    await writeFile(plugin, `#!/bin/sh\ncat > /dev/null\nprintf '%s\\n' '${expected.trim()}'\n`);
    await chmod(plugin, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the Node spawner answers every call with the whole output, even with a 0 ms drain', async () => {
    const executor = createHelperExecutor(
      () => spawn(process.execPath, ['-e', buildNodeSpawnerSource(false, 0)], { env: {}, stdio: ['pipe', 'pipe', 'inherit'] }) as HelperProcess,
    );
    try {
      const calls = Array.from({ length: 240 }, () =>
        executor.execPlugin({ path: plugin, stdin: '{}', env: { PATH: '/usr/bin:/bin' }, timeoutMs: 20_000, killGraceMs: 500, maxOutputBytes: 1 << 20 }),
      );
      const outcomes = await Promise.all(calls);
      const short = outcomes.filter((o) => o.stdout !== expected);
      expect(short.map((o) => ({ exitCode: o.exitCode, bytes: o.stdout.length }))).toEqual([]);
    } finally {
      await executor.close?.();
    }
  });
});
