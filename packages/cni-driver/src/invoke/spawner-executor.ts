/**
 * The C executor: plugins are started by a small helper process (native/spawner.c) with
 * posix_spawn (vfork), so a plugin call costs the same whatever the size of the embedding process.
 * Needs a C compiler once (the helper is compiled on first use) or a prebuilt `helperPath`.
 */
import { spawn } from 'node:child_process';
import { createHelperExecutor, type HelperProcess } from './helper-client.ts';
import type { PluginExecutor } from './plugin-executor.ts';
import { buildSpawner } from './spawner-build.ts';

/** Options of {@link createSpawnerExecutor}. */
export interface SpawnerExecutorOptions {
  /** A prebuilt helper binary. @default compiled on first use */
  readonly helperPath?: string | undefined;
  /** Where a compiled helper is kept. @default $MULTINET_CACHE_DIR or <tmpdir>/multinet-<uid> */
  readonly cacheDir?: string | undefined;
}

/**
 * Creates the spawner executor (one C helper process, started lazily, restarted if it dies).
 *
 * @throws {CniError} PLUGIN_SPAWN_FAILED when the helper cannot be built (no C compiler)
 */
export async function createSpawnerExecutor(options: SpawnerExecutorOptions = {}): Promise<PluginExecutor> {
  const helperPath = options.helperPath ?? (await buildSpawner(options.cacheDir));
  return createHelperExecutor(
    (fenceFd) => spawn(helperPath, [], { stdio: fenceFd === undefined ? ['pipe', 'pipe', 'inherit'] : ['pipe', 'pipe', 'inherit', fenceFd] }) as HelperProcess,
  );
}
