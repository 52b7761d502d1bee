/**
 * Where one ADD of `createCniConfig` (P1's call) spends its time: the steps of `addNetworkList`
 * and `invokePlugin` made one by one with a clock between them (validation, stdin, plugin lookup,
 * environment, exec, outcome, result parse, cache file), p50 and mean in µs over every call.
 *
 *   node --conditions=@multinet/source --import tsx bench/breakdown-call.ts <fakePluginDir> <confDir> [pods] [cacheParentDir]
 *
 * `cacheParentDir` (default the OS temp dir) shows how much the cache file's creation depends on
 * where it is made. The cache file is written here after the plugin, whole: `addNetworkList` has
 * made its temp file while the plugin runs since session 7, so only the write and rename follow.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpawnerExecutor, parseNetworkConfigList } from '@multinet/cni-driver';
import { parseResult, validateContainerId, validateInterfaceName, validateNetworkName } from '@multinet/cni-types';
import { writeCachedResult } from '../packages/cni-driver/src/cache/result-cache.ts';
import { buildPluginStdin } from '../packages/cni-driver/src/chain/plugin-stdin.ts';
import { buildPluginEnv } from '../packages/cni-driver/src/invoke/plugin-env.ts';
import { parsePluginOutcome } from '../packages/cni-driver/src/invoke/plugin-outcome.ts';
import { findPlugin, validatePluginType } from '../packages/cni-driver/src/invoke/plugin-path.ts';
import { summarize } from './stats.ts';

const [pluginDir = '', confDir = '', podsArg = '300', cacheParent = tmpdir()] = process.argv.slice(2);
const lists = await Promise.all((await readdir(confDir)).sort().map(async (f) => parseNetworkConfigList(await readFile(join(confDir, f), 'utf8'), { file: join(confDir, f) })));
const executor = await createSpawnerExecutor();
const work = await mkdtemp(join(cacheParent, 'multinet-breakdown-call-'));
const steps = new Map<string, number[]>();
let last = 0n;
/** Ends the step `name` (begun at the previous mark). */
const mark = (name: string): void => {
  const now = process.hrtime.bigint();
  steps.set(name, [...(steps.get(name) ?? []), Number(now - last) / 1e3]);
  last = now;
};
try {
  for (let pod = 0; pod < Number(podsArg); pod++) {
    const containerId = randomBytes(32).toString('hex');
    for (const [i, list] of lists.entries()) {
      const rt = { ifName: `eth${i}`, netns: '/tmp/fake-netns' };
      const plugin = list.plugins[0]!;
      last = process.hrtime.bigint();
      validateContainerId(containerId);
      validateNetworkName(list.name);
      validateInterfaceName(rt.ifName);
      mark('validation');
      const stdin = buildPluginStdin(list, plugin, {});
      mark('stdin');
      validatePluginType(plugin.type);
      const path = await findPlugin(plugin.type, [pluginDir]);
      mark('lookup');
      const env = buildPluginEnv({ command: 'ADD', containerId, netns: rt.netns, ifName: rt.ifName, pluginDirs: [pluginDir] }, process.env);
      mark('environment');
      const outcome = await executor.execPlugin({ path, stdin, env, timeoutMs: 60_000, killGraceMs: 2_000, maxOutputBytes: 4 << 20 });
      mark('exec');
      const answer = parsePluginOutcome({ plugin: plugin.type, command: 'ADD', network: list.name, ifName: rt.ifName, containerId }, outcome);
      mark('outcome');
      const result = parseResult(answer, { cniVersion: list.cniVersion, source: `plugin type="${plugin.type}"` });
      mark('parseResult');
      await writeCachedResult(join(work, 'cache'), { containerId, configText: list.bytes, ifName: rt.ifName, networkName: list.name, netns: rt.netns, result }, { fsync: false });
      mark('cache file');
    }
  }
} finally {
  await executor.close?.();
  await rm(work, { recursive: true, force: true });
}
for (const [name, times] of steps) {
  const s = summarize(times);
  process.stdout.write(`${name.padEnd(12)} p50 ${s.p50.toFixed(1).padStart(8)} µs   mean ${s.mean.toFixed(1).padStart(8)} µs\n`);
}
