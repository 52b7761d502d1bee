/**
 * P7's fresh process: the cost of a plugin call while this process holds each of the sizes given
 * (MB, ascending; default 0, 100, 500 and 1,000), with the executor named on the command line;
 * prints {sizeMb: summary}.
 */
import { createExecaExecutor, createNodeSpawnerExecutor, createSpawnerExecutor, invokePlugin } from '@multinet/cni-driver';
import { msSince, summarize, type Summary } from './stats.ts';

const [executorName = 'execa', pluginDir = '', calls = '200', sizes = '0,100,500,1000'] = process.argv.slice(2);
const executor = executorName === 'spawner' ? await createSpawnerExecutor() : executorName === 'node-spawner' ? createNodeSpawnerExecutor() : createExecaExecutor();
const held: Buffer[] = [];
const result: Record<number, Summary> = {};
for (const mb of sizes.split(',').map(Number)) {
  while (held.length < mb) held.push(Buffer.alloc(1 << 20, 1));
  const times: number[] = [];
  for (let i = 0; i < 20 + Number(calls); i++) {
    const t = process.hrtime.bigint();
    await invokePlugin({ executor, pluginDirs: [pluginDir], type: 'noop', command: 'ADD', stdin: '{"cniVersion":"1.0.0","name":"n","type":"noop"}', containerId: `c${i}`, netns: '/tmp/fake-netns', ifName: 'eth0' });
    if (i >= 20) times.push(msSince(t));
  }
  result[mb] = summarize(times);
}
await executor.close?.();
process.stdout.write(JSON.stringify(result));
