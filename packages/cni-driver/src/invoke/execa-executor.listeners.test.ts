import { describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { useScriptPlugins } from '../../../../test/support/script-plugins.ts';
import { createExecaExecutor } from './execa-executor.ts';

/**
 * What the execa executor leaves on the caller's abort signal and on `process` 'exit': its abort
 * listener is gone as soon as the abort fired (not only once the call is over), and a plugin that
 * never started leaves no exit hook behind.
 */
describe('the execa executor, listeners it adds and removes', () => {
  const bed = useScriptPlugins('multinet-execa-listeners-');
  const { plugin, request, pidIn } = bed;

  it("takes its listener off the caller's signal as soon as the abort fired, while the plugin still runs", async () => {
    const ready = join(bed.dir, 'ready');
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
    const outcome = await createExecaExecutor().execPlugin(request(join(bed.dir, 'missing')));
    expect(outcome.spawnError?.code).toBe('ENOENT');
    expect(process.listenerCount('exit')).toBe(exitHooks);
  });
});
