/**
 * `prestartPlugins`: each plugin of a pod starts while the one before it runs and reads its
 * config only once that one is done; one that is not to run after all is killed unread. Real
 * noop plugins through the execa executor, each call noted by a wrapper.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useNoopDriverBed } from '../../../../test/support/noop-driver.ts';
import { createNotingExecutor } from '../../../../test/support/noting-executor.ts';
import type { PodSandbox } from './pod-types.ts';

const NETS = ['pa', 'pb', 'pc'] as const;
const bed = useNoopDriverBed({
  prefix: 'multinet-prestart-',
  confs: NETS.map((name, i) => [`${10 + i}-${name}.conflist`, name, '1.0.0'] as const),
  objects: NETS.map((name) => ({ namespace: 'default', name })),
});

const sandbox = (): PodSandbox => ({
  sandboxId: 'web-sandbox',
  netns: join(bed.dir, 'netns', 'web'),
  pod: { namespace: 'default', name: 'web', uid: 'uid-web', annotations: { 'alpha.network.k8s.io/networks': NETS.join(',') } },
});

/** Index of an event that must be there. */
const at = (events: readonly string[], event: string): number => {
  const index = events.indexOf(event);
  expect(index, `${event} in ${JSON.stringify(events)}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe('prestartPlugins (the default)', () => {
  it('starts each ADD of a setup while the one before runs, and gives it its config only once that one is done', async () => {
    const executor = createNotingExecutor();
    const driver = bed.openDriver({ executor });
    await driver.setUpPod(sandbox());
    const { events } = executor;
    for (const [before, next] of [['pa', 'pb'], ['pb', 'pc']] as const) {
      expect(at(events, `ADD ${next} started held`)).toBeLessThan(at(events, `ADD ${before} done`));
      expect(at(events, `ADD ${next} config`)).toBeGreaterThan(at(events, `ADD ${before} done`));
    }
    for (const net of NETS) expect(await bed.commandsOf(net)).toEqual(['ADD']);
  });

  it('starts each DEL of a teardown while the one before runs, in reverse, each acting once the one before is done', async () => {
    const executor = createNotingExecutor();
    const driver = bed.openDriver({ executor });
    await driver.setUpPod(sandbox());
    executor.events.length = 0;
    await driver.tearDownPod(sandbox().sandboxId);
    const { events } = executor;
    for (const [before, next] of [['pc', 'pb'], ['pb', 'pa']] as const) {
      expect(at(events, `DEL ${next} started held`)).toBeLessThan(at(events, `DEL ${before} done`));
      expect(at(events, `DEL ${next} config`)).toBeGreaterThan(at(events, `DEL ${before} done`));
    }
    for (const net of NETS) expect(await bed.commandsOf(net)).toEqual(['ADD', 'DEL']);
  });

  it('kills the ADD begun ahead unread when the ADD before it fails a first setup, then rolls back', async () => {
    await bed.control('pb', { ADD: { errorCode: 11, errorMsg: 'no room' } });
    const executor = createNotingExecutor();
    const driver = bed.openDriver({ executor });
    await expect(driver.setUpPod(sandbox())).rejects.toMatchObject({ code: 'POD_SETUP_FAILED', details: { network: 'default/pb' } });
    expect(executor.events).toContain('ADD pc started held');
    expect(executor.events).toContain('ADD pc never given its config');
    // pc never read a config (the noop logs a call once it has): nothing to roll back there.
    expect([await bed.commandsOf('pa'), await bed.commandsOf('pb'), await bed.commandsOf('pc')]).toEqual([['ADD', 'DEL'], ['ADD', 'DEL'], []]);
    expect(await driver.listSandboxes()).toEqual([]);
  });
});

describe('prestartPlugins: false', () => {
  it('starts each plugin only once the one before is done, and the first only once its intent is written', async () => {
    const executor = createNotingExecutor();
    const driver = bed.openDriver({ executor, prestartPlugins: false });
    await driver.setUpPod(sandbox());
    await driver.tearDownPod(sandbox().sandboxId);
    // No call held: each is started as itself, and gets its config at once.
    expect(executor.events.filter((e) => !e.endsWith(' config'))).toEqual([
      ...NETS.flatMap((net) => [`ADD ${net} started`, `ADD ${net} done`]),
      ...[...NETS].reverse().flatMap((net) => [`DEL ${net} started`, `DEL ${net} done`]),
    ]);
  });
});
