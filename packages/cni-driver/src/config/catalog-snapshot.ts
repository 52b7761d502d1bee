/**
 * The catalog as a pure function of the conf dir's and bin dirs' contents.
 */
import { CniError, isCniError, type NetworkConfigList } from '@multinet/cni-types';

/** A network config loaded from a conf file. */
export interface CatalogNetwork {
  /** The network name (`name` of the conflist or conf). */
  readonly name: string;
  /** Absolute path of the file it came from. */
  readonly file: string;
  /** The parsed network config list (a `.conf` is up-converted). */
  readonly list: NetworkConfigList;
}

/** A file that was skipped, and why. */
export interface CatalogProblem {
  /** Absolute path of the file. */
  readonly file: string;
  /** The stable code (`CONFIG_INVALID`, or `CONFIG_INVALID` for a duplicate name). */
  readonly code: CniError['code'];
  /** What is wrong, naming the file. */
  readonly message: string;
}

/** A plugin binary found in a bin dir. */
export interface CatalogPlugin {
  /** The file name (what a `type` or a thick network object names). */
  readonly name: string;
  /** Absolute path; the first bin dir that has it wins. */
  readonly path: string;
}

/** Everything the catalog knows after one sync. Immutable; a new object when anything changed. */
export interface CatalogSnapshot {
  /** Networks by name, in conf-file order (the first file with a name wins). */
  readonly networks: ReadonlyMap<string, CatalogNetwork>;
  /** The default network: the first valid conf file, as before multi-network. */
  readonly defaultNetwork: CatalogNetwork | undefined;
  /** Skipped files with reasons. */
  readonly problems: readonly CatalogProblem[];
  /** Executable plugin binaries by file name. */
  readonly plugins: ReadonlyMap<string, CatalogPlugin>;
  /** Increases by one each time the snapshot changes. */
  readonly generation: number;
}

/** One conf file as read from disk: parsed, or the error that parsing gave. */
export type ConfFileEntry =
  | { readonly file: string; readonly list: NetworkConfigList }
  | { readonly file: string; readonly error: unknown };

/**
 * Builds a snapshot from conf file entries (already in byte order) and the plugin binaries.
 * Invalid files and duplicate names become problems; they never stop other files from loading.
 */
export function buildCatalogSnapshot(
  entries: readonly ConfFileEntry[],
  plugins: ReadonlyMap<string, CatalogPlugin>,
  generation: number,
): CatalogSnapshot {
  const networks = new Map<string, CatalogNetwork>();
  const problems: CatalogProblem[] = [];
  for (const entry of entries) {
    if ('error' in entry) {
      const error = entry.error;
      problems.push({
        file: entry.file,
        code: isCniError(error) ? error.code : 'CONFIG_INVALID',
        message: error instanceof Error ? error.message : `cannot load ${entry.file}: ${String(error)}`,
      });
      continue;
    }
    const existing = networks.get(entry.list.name);
    if (existing) {
      problems.push({
        file: entry.file,
        code: 'CONFIG_INVALID',
        message: `network config ${entry.file} has duplicate name "${entry.list.name}" (already loaded from ${existing.file}); skipped`,
      });
      continue;
    }
    networks.set(entry.list.name, { name: entry.list.name, file: entry.file, list: entry.list });
  }
  const defaultNetwork = networks.values().next().value;
  return { networks, defaultNetwork, problems, plugins, generation };
}
