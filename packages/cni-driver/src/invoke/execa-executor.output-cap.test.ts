import { describe, expect, it } from 'vitest';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { createExecaExecutor } from './execa-executor.ts';

/**
 * The execa executor's own output cap: it counts bytes (execa's maxBuffer counts decoded
 * characters), allows output of exactly the cap, and watches stderr as well as stdout. A plugin
 * past the cap is killed at once, so it ends by SIGKILL and not by the timeout.
 */
describe('the execa executor, output cap', () => {
  const bed = useScriptPlugins('multinet-execa-cap-');
  const { plugin, request } = bed;
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
