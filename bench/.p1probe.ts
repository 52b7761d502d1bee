import { randomBytes } from 'node:crypto';
import { readdir, readFile, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createCniConfig, createSpawnerExecutor } from '@multinet/cni-driver';
import { parseNetworkConfigList } from '@multinet/cni-types';
const P = '/tmp/multinet-bench-peers';
const dir = join(P, 'confs', 'noop');
const lists = await Promise.all((await readdir(dir)).sort().map(async (f) => parseNetworkConfigList(await readFile(join(dir, f), 'utf8'), { file: join(dir, f) })));
const executor = await createSpawnerExecutor();
const cni = createCniConfig({ pluginDirs: [join(P, 'fake-plugins')], cacheDir: await mkdtemp(join(tmpdir(), 'p1probe-')), executor, cacheFsync: false });
const n = Number(process.argv[2] ?? 100);
const times: number[] = [];
for (let pod = 0; pod < n; pod++) {
  const containerId = randomBytes(32).toString('hex');
  for (const [i, list] of lists.entries()) { const t = performance.now(); await cni.addNetworkList(list, { containerId, netns: '/tmp/fake-netns', ifName: `eth${i}` }); times.push(performance.now() - t); }
  for (const [i, list] of [...lists.entries()].reverse()) await cni.delNetworkList(list, { containerId, netns: '/tmp/fake-netns', ifName: `eth${i}` });
}
times.sort((a, b) => a - b);
console.log('p50', times[times.length >> 1]!.toFixed(3));
await executor.close?.();
