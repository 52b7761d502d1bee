/**
 * The default executor: plugins are started by a small long-lived Node helper process
 * (node-spawner-helper.ts), started once with a tiny heap, so a plugin call does not cost more
 * when the embedding process holds a lot of memory (a fork from the embedder copies its page
 * tables) — and nothing has to be compiled.
 */
import { spawn } from 'node:child_process';
import { createHelperExecutor, type HelperProcess } from './helper-client.ts';
import { buildNodeSpawnerSource } from './node-spawner-helper.ts';
import type { PluginExecutor } from './plugin-executor.ts';

/** V8 flags of the helper: a small heap keeps its page tables, and so every fork, small. */
const HELPER_NODE_FLAGS = ['--max-old-space-size=24', '--max-semi-space-size=1', '--stack-size=256'];

/**
 * Creates the Node spawner executor (one helper process, started on the first call, restarted if
 * it dies; idle, it does not keep the embedding process alive).
 *
 * @example
 * ```ts
 * const executor = createNodeSpawnerExecutor();
 * const outcome = await executor.execPlugin({ path, stdin, env, timeoutMs: 5000, killGraceMs: 500, maxOutputBytes: 1 << 20 });
 * await executor.close?.();
 * ```
 */
export function createNodeSpawnerExecutor(): PluginExecutor {
  return createHelperExecutor(
    (fenceFd) =>
      spawn(process.execPath, [...HELPER_NODE_FLAGS, '-e', buildNodeSpawnerSource(fenceFd !== undefined)], {
        // The helper needs no environment: every plugin gets exactly the one it is sent. An empty
        // env also keeps the embedder's NODE_OPTIONS (loaders, --require) out of it.
        env: {},
        stdio: fenceFd === undefined ? ['pipe', 'pipe', 'inherit'] : ['pipe', 'pipe', 'inherit', fenceFd],
      }) as HelperProcess,
  );
}
