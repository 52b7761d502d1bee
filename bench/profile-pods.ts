/**
 * A profiling target: set up and tear down N pods of three noop networks through the driver,
 * concurrency C, as P2 does, and print per-phase times. Run it under `node --cpu-prof` or
 * `strace -f -c` next to the Go harness doing the same work (see bench/README.md).
 *
 *   node --conditions=@multinet/source --import tsx bench/profile-pods.ts <fakePluginDir> <confDir> [pods] [concurrency] [executor] [durability]
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createExecaExecutor, createNodeSpawnerExecutor, createSpawnerExecutor } from '@multinet/cni-driver';
import { msSince, runPool } from './stats.ts';

const [pluginDir = '', confDir = '', podsArg = '200', concArg = '1', executorName = 'spawner', durability = 'power-loss'] = process.argv.slice(2);
const pods = Number(podsArg);
const concurrency = Number(concArg);
const executor = executorName === 'execa' ? createExecaExecutor() : executorName === 'node-spawner' ? createNodeSpawnerExecutor() : await createSpawnerExecutor();
const stateDir = await mkdtemp(join(tmpdir(), 'multinet-profile-'));
const driver = createCniDriver({ confDir, pluginDirs: [pluginDir], stateDir, executor, loopback: false, maxConcurrentPods: concurrency, durability: durability as 'power-loss' | 'process-crash' });
const sandboxes = Array.from({ length: pods }, (_, i) => ({
  sandboxId: randomBytes(32).toString('hex'),
  netns: '/tmp/fake-netns',
  pod: { namespace: 'bench', name: `web-${i}`, uid: `uid-${i}`, annotations: { 'alpha.network.k8s.io/networks': 'noopnet0,noopnet1,noopnet2' } },
}));
// Warm-up pod (helper start, JIT), not counted.
await driver.setUpPod({ ...sandboxes[0]!, sandboxId: randomBytes(32).toString('hex') });
const add = process.hrtime.bigint();
await runPool(sandboxes, concurrency, async (s) => void (await driver.setUpPod(s)));
const addMs = msSince(add);
const del = process.hrtime.bigint();
await runPool(sandboxes, concurrency, (s) => driver.tearDownPod(s.sandboxId));
const delMs = msSince(del);
await driver.close();
await executor.close?.();
await rm(stateDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ pods, concurrency, executor: executorName, durability, addPodsPerS: (pods / addMs) * 1000, addMsPerPod: addMs / pods, delMsPerPod: delMs / pods })}\n`);
