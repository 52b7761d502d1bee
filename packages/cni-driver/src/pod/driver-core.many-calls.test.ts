/**
 * Many plugin calls in flight at once all listen on the driver's closing signal: no
 * MaxListenersExceededWarning (which Node prints to the embedder's stderr) however many there are.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';

const NETS = ['ma', 'mb'] as const;
const bed = useNoopDriverBed({
  prefix: 'multinet-many-calls-',
  confs: NETS.map((name, i) => [`${10 + i}-${name}.conflist`, name, '1.0.0'] as const),
  objects: NETS.map((name) => ({ namespace: 'default', name })),
});

describe('a driver with many plugin calls in flight', () => {
  it('sets up 16 pods at once without a warning about abort listeners', async () => {
    const warnings: Error[] = [];
    let peak = 0;
    // Each ADD takes a while, so that the pods' calls are in flight together.
    for (const net of NETS) await bed.control(net, { ADD: { sleepMs: 300 } });
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const inner = createExecaExecutor();
      let inFlight = 0;
      const executor: PluginExecutor = {
        gatesStdin: true,
        async execPlugin(request) {
          inFlight++;
          peak = Math.max(peak, inFlight);
          try {
            return await inner.execPlugin(request);
          } finally {
            inFlight--;
          }
        },
      };
      const driver = bed.openDriver({ maxConcurrentPods: 16, executor });
      const pods = Array.from({ length: 16 }, (_, i) => ({
        sandboxId: `many-${i}`,
        netns: join(bed.dir, 'netns', `p${i}`),
        pod: { namespace: 'default', name: `p${i}`, uid: `uid-${i}`, annotations: { 'alpha.network.k8s.io/networks': NETS.join(',') } },
      }));
      await Promise.all(pods.map((pod) => driver.setUpPod(pod)));
      expect((await driver.listSandboxes()).map((s) => s.phase)).toEqual(Array(16).fill('ready'));
      // A warning is emitted on the next tick of the process.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    // More calls than Node's threshold of 10 were in flight at once, each listening on the signal.
    expect(peak).toBeGreaterThan(10);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
