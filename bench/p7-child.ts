/**
 * P7's fresh process: the cost of a plugin call while this process holds some memory, with the
 * executor named on the command line. Two modes:
 * - `ladder` (sizes ascending, default 0,100,500,1000 MB): climbs once; prints {sizeMb: summary}.
 * - `alternate` (sizes 0 and 1000): `blocks` blocks, each measuring at both sizes in an order
 *   that swaps from block to block, the memory dropped (and given back to the kernel) between
 *   them; prints {sizeMb: summary, rssMb: {sizeMb: RSS while measuring}}. Both sizes are then
 *   measured in the same process, interleaved in time, so what differs between them is the
 *   memory held and not the process or the moment (separate processes on this 2-core machine
 *   differed by ±15 % with the same memory).
 * Run with `--expose-gc` and `MALLOC_MMAP_THRESHOLD_=131072` (each 1 MB buffer its own mapping,
 * unmapped when freed) for the alternate mode, or the "0 MB" blocks keep the freed gigabyte.
 */
import { createExecaExecutor, createNodeSpawnerExecutor, createSpawnerExecutor, invokePlugin } from '@multinet/cni-driver';
import { setImmediate } from 'node:timers/promises';
import { msSince, summarize, type Summary } from './stats.ts';

const [executorName = 'execa', pluginDir = '', calls = '200', sizes = '0,100,500,1000', mode = 'ladder', blocksArg = '6'] = process.argv.slice(2);
const executor = executorName === 'spawner' ? await createSpawnerExecutor() : executorName === 'node-spawner' ? createNodeSpawnerExecutor() : createExecaExecutor();
let held: Buffer[] = [];

/** Holds `mb` MB, then collects garbage (whichever way the size moved, so both sizes start alike). */
const hold = async (mb: number): Promise<void> => {
  if (held.length > mb) held = held.slice(0, mb);
  while (held.length < mb) held.push(Buffer.alloc(1 << 20, 1));
  // Collected only once this frame has let go: its registers still reach a dropped array.
  await setImmediate();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
};

/** The times of `n` plugin calls, after `warm` calls not counted. */
const measure = async (n: number, warm: number): Promise<number[]> => {
  const times: number[] = [];
  for (let i = 0; i < warm + n; i++) {
    const t = process.hrtime.bigint();
    await invokePlugin({ executor, pluginDirs: [pluginDir], type: 'noop', command: 'ADD', stdin: '{"cniVersion":"1.0.0","name":"n","type":"noop"}', containerId: `c${i}`, netns: '/tmp/fake-netns', ifName: 'eth0' });
    if (i >= warm) times.push(msSince(t));
  }
  return times;
};

const result: Record<string, unknown> = {};
const sizeList = sizes.split(',').map(Number);
if (mode === 'alternate') {
  const blocks = Number(blocksArg);
  const perBlock = Math.max(1, Math.round(Number(calls) / blocks));
  const times = new Map<number, number[]>(sizeList.map((mb) => [mb, []]));
  const rss = new Map<number, number[]>(sizeList.map((mb) => [mb, []]));
  await measure(20, 0);
  for (let block = 0; block < blocks; block++) {
    for (const mb of block % 2 === 0 ? sizeList : [...sizeList].reverse()) {
      await hold(mb);
      rss.get(mb)!.push(process.memoryUsage().rss / (1 << 20));
      times.get(mb)!.push(...(await measure(perBlock, 5)));
    }
  }
  for (const mb of sizeList) result[mb] = summarize(times.get(mb)!);
  result['rssMb'] = Object.fromEntries(sizeList.map((mb) => [mb, summarize(rss.get(mb)!).p50]));
} else {
  for (const mb of sizeList) {
    await hold(mb);
    result[mb] = summarize(await measure(Number(calls), 20)) satisfies Summary;
  }
}
await executor.close?.();
process.stdout.write(JSON.stringify(result));
