/**
 * Finding a plugin binary: a `type` is a file name, never a path.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CniError } from '@multinet/cni-types';

/**
 * Refuses a plugin `type` that is empty, `.`, or contains `/`, `\` or `..` — before anything runs.
 *
 * @throws {CniError} PLUGIN_TYPE_INVALID
 */
export function validatePluginType(type: string, context: { file?: string | undefined; network?: string | undefined } = {}): void {
  if (type === '' || type === '.' || type.includes('/') || type.includes('\\') || type.includes('..') || type.includes('\0')) {
    const where = context.file ? ` in ${context.file}` : context.network ? ` in network "${context.network}"` : '';
    throw new CniError(
      'PLUGIN_TYPE_INVALID',
      `invalid plugin type ${JSON.stringify(type)}${where}: a type is a file name in the plugin dirs, never a path`,
      { plugin: type, file: context.file, network: context.network },
    );
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * Finds the plugin in the plugin dirs, in order: the first regular file named `type` wins (as
 * libcni's `FindInPath`, the executable bit is not checked here; exec reports it).
 *
 * @throws {CniError} PLUGIN_TYPE_INVALID, PLUGIN_NOT_FOUND
 */
export async function findPlugin(type: string, pluginDirs: readonly string[]): Promise<string> {
  validatePluginType(type);
  // Synchronous: an inode answers from the dentry cache in microseconds, less than a trip
  // through the thread pool on every call that has no catalog to ask.
  for (const path of pluginDirs.map((dir) => join(dir, type))) if (isRegularFile(path)) return path;
  throw new CniError('PLUGIN_NOT_FOUND', `failed to find plugin ${JSON.stringify(type)} in path [${pluginDirs.join(' ')}]`, { plugin: type });
}
