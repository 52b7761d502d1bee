/**
 * Where a pod's wall time goes at concurrency 1 (P2's work): the sum of plugin calls as the
 * driver sees them (`multinet:plugin` tracing channel) against the pod's whole setUpPod, and then
 * its tearDownPod, per pod (medians).
 *
 *   node --conditions=@multinet/source --import tsx bench/breakdown-pods.ts <fakePluginDir> <confDir> [pods] [durability] [executor]
 */
import { randomBytes } from 'node:crypto';
import { tracingChannel } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCniDriver, createNodeSpawnerExecutor, createSpawnerExecutor, PLUGIN_TRACING_CHANNEL } from '@multinet/cni-driver';

const [pluginDir = '', confDir = '', podsArg = '200', durability = 'power-loss', executorName = 'spawner'] = process.argv.slice(2);
const pods = Number(podsArg);
const executor = executorName === 'node-spawner' ? createNodeSpawnerExecutor() : await createSpawnerExecutor();
const stateDir = await mkdtemp(join(tmpdir(), 'multinet-breakdown-'));
const driver = createCniDriver({ confDir, pluginDirs: [pluginDir], stateDir, executor, loopback: false, maxConcurrentPods: 1, durability: durability as 'power-loss' });
let pluginMs = 0;
let firstStart = 0;
let lastEnd = 0;
let gapMs = 0;
const starts = new WeakMap<object, number>();
tracingChannel(PLUGIN_TRACING_CHANNEL).subscribe({
  start(m) { const t = performance.now(); starts.set(m as object, t); if (firstStart === 0) firstStart = t; else gapMs += t - lastEnd; },
  asyncEnd(m) { const t = performance.now(); pluginMs += t - (starts.get(m as object) ?? t); lastEnd = t; },
  end() {}, asyncStart() {}, error() {},
});
const mk = (i: number) => ({ sandboxId: randomBytes(32).toString('hex'), netns: '/tmp/fake-netns', pod: { namespace: 'bench', name: `web-${i}`, uid: `uid-${i}`, annotations: { 'alpha.network.k8s.io/networks': 'noopnet0,noopnet1,noopnet2' } } });
await driver.setUpPod(mk(-1));
type Row = { wall: number; plugins: number; before: number; between: number; after: number };
/** Times `fn` (one pod's setup or teardown) and where its wall time went. */
async function timed(fn: () => Promise<unknown>): Promise<Row> {
  pluginMs = 0; firstStart = 0; gapMs = 0;
  const t0 = performance.now();
  await fn();
  const t1 = performance.now();
  return { wall: t1 - t0, plugins: pluginMs, before: firstStart - t0, between: gapMs, after: t1 - lastEnd };
}
const sandboxes = Array.from({ length: pods }, (_, i) => mk(i));
const setUp: Row[] = [];
for (const sandbox of sandboxes) setUp.push(await timed(() => driver.setUpPod(sandbox)));
const tornDown: Row[] = [];
for (const sandbox of sandboxes) tornDown.push(await timed(() => driver.tearDownPod(sandbox.sandboxId)));
const medians = (rows: Row[]) => {
  const med = (k: keyof Row) => { const v = rows.map((r) => r[k]).sort((a, b) => a - b); return Number(v[v.length >> 1]!.toFixed(3)); };
  return { wall: med('wall'), plugins: med('plugins'), before: med('before'), between: med('between'), after: med('after') };
};
process.stdout.write(`${JSON.stringify({ durability, executor: executorName, pods, setUp: medians(setUp), tearDown: medians(tornDown) })}\n`);
await driver.close();
await executor.close?.();
await rm(stateDir, { recursive: true, force: true });
