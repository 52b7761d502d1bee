/**
 * The catalog's I/O shell: reads the conf dir and the bin dirs, re-reads only what changed, and
 * rebuilds the (pure) snapshot. chokidar tells it *when* something changed; with nothing changed
 * a sync returns the last snapshot without touching the disk.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { CniError, parseNetworkConfigFile, validateNetworkName } from '@multinet/cni-types';
import { validatePluginType } from '../invoke/plugin-path.ts';
import { wrapLogger, type Logger, type LoggerLike } from '../internal/logger.ts';
import { createDirWatcher, type DirChange, type DirWatcher } from '../watch/chokidar-watcher.ts';
import {
  buildCatalogSnapshot,
  type CatalogPlugin,
  type CatalogSnapshot,
  type ConfFileEntry,
} from './catalog-snapshot.ts';
import { selectConfFiles } from './conf-files.ts';
import { validateAbsolutePath, validatePositiveNumber } from '../internal/options.ts';

/** Options of {@link createCatalog}. */
export interface CatalogOptions {
  /** Absolute conf dir. @default '/etc/cni/net.d' */
  readonly confDir?: string | undefined;
  /** Absolute plugin (bin) dirs, searched in order. @default ['/opt/cni/bin'] */
  readonly pluginDirs?: readonly string[] | undefined;
  /** Watch the dirs with chokidar; when false every sync re-stats every file. @default true */
  readonly watch?: boolean | undefined;
  /** A pino-compatible logger, or `console`. @default silent */
  readonly logger?: Logger | LoggerLike | undefined;
  /** Conf files larger than this are skipped as a problem, unread. @default 1 MiB */
  readonly maxConfBytes?: number | undefined;
}

/** How long after its last write an unparsable, formerly good conf file is taken as mid-rewrite. */
const REWRITE_SETTLE_MS = 2_000;

/** The default cap on one conf file: far past any real network config. */
export const DEFAULT_MAX_CONF_BYTES = 1024 * 1024;

/** The networks of a conf dir and the plugins of the bin dirs, kept current. */
export interface Catalog {
  /** Brings the snapshot up to date (cheap when nothing changed) and returns it. */
  sync(): Promise<CatalogSnapshot>;
  /** The last snapshot (empty before the first sync). */
  readonly snapshot: CatalogSnapshot;
  /** Resolves when the watchers are live (at once when not watching). */
  readonly ready: Promise<void>;
  /** Calls `listener` after every sync that produced a new snapshot; returns an unsubscribe. */
  onReload(listener: (snapshot: CatalogSnapshot) => void): () => void;
  /** Stops watching. */
  close(): Promise<void>;
}

interface CachedFile {
  readonly statKey: string;
  readonly entry: ConfFileEntry;
}

const statKeyOf = (s: Stats): string => `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;

/**
 * Creates a catalog over a conf dir and bin dirs. Call `sync()` on every loop turn.
 *
 * @throws {TypeError} when a dir is not an absolute path
 * @example
 * ```ts
 * const catalog = createCatalog({ confDir: '/etc/cni/net.d', pluginDirs: ['/opt/cni/bin'] });
 * const { networks, defaultNetwork, problems } = await catalog.sync();
 * ```
 */
export function createCatalog(options: CatalogOptions = {}): Catalog {
  const confDir = options.confDir ?? '/etc/cni/net.d';
  const pluginDirs = [...(options.pluginDirs ?? ['/opt/cni/bin'])];
  validateAbsolutePath('confDir', confDir);
  pluginDirs.forEach((dir, i) => validateAbsolutePath(`pluginDirs[${i}]`, dir));
  const logger = wrapLogger(options.logger).child({ component: 'catalog' });
  const watching = options.watch ?? true;
  const maxConfBytes = options.maxConfBytes ?? DEFAULT_MAX_CONF_BYTES;
  validatePositiveNumber('maxConfBytes', maxConfBytes);

  const files = new Map<string, CachedFile>();
  let plugins: ReadonlyMap<string, CatalogPlugin> = new Map();
  let snapshot: CatalogSnapshot = buildCatalogSnapshot([], plugins, 0);
  const loggedProblems = new Set<string>();
  const listeners = new Set<(snapshot: CatalogSnapshot) => void>();

  // Dirty marks, set by the watcher. Everything starts dirty: the first sync reads all.
  let confDirty = true;
  let pluginsDirty = true;
  let dirtyFiles = new Set<string>();
  let everythingDirty = true;
  // False while every event since the last sync was a change to a file already loaded: then the
  // listing cannot have changed, and only those files are read again.
  let listingDirty = true;

  const onChange = (change: DirChange): void => {
    if (change.kind === 'error') {
      everythingDirty = confDirty = pluginsDirty = true;
      return;
    }
    if (change.path === confDir || change.path.startsWith(`${confDir}/`)) {
      confDirty = true;
      dirtyFiles.add(change.path);
      if (change.kind !== 'change' || !files.has(change.path)) listingDirty = true;
    }
    if (pluginDirs.some((dir) => change.path === dir || change.path.startsWith(`${dir}/`))) pluginsDirty = true;
  };
  let watcher: DirWatcher | undefined;
  if (watching) watcher = createDirWatcher([confDir, ...pluginDirs], onChange);
  const ready = watcher ? watcher.ready : Promise.resolve();
  // What each watched dir is (device and inode, through symlinks): a dir that is a symlink
  // retargeted, or a dir replaced or created, is a new dir the watcher does not see into.
  let dirIdentity: string | undefined;
  // Synchronous: a dir's inode answers from the dentry cache in microseconds, and this runs before
  // every pod operation (two thread-pool trips cost a pod ~0.1 ms at concurrency 1).
  const identityOf = (dir: string): string => {
    try {
      const info = statSync(dir, { throwIfNoEntry: false });
      return info ? `${info.dev}:${info.ino}` : '-';
    } catch {
      return '-';
    }
  };
  const readDirIdentity = (): string => [confDir, ...pluginDirs].map(identityOf).join(',');
  /** While watching: when a dir is no longer the one watched, reads everything and watches anew. */
  function noticeReplacedDirs(): void {
    const identity = readDirIdentity();
    if (dirIdentity !== undefined && identity !== dirIdentity) {
      everythingDirty = confDirty = pluginsDirty = listingDirty = true;
      const old = watcher;
      watcher = createDirWatcher([confDir, ...pluginDirs], onChange);
      void old?.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the watcher of a replaced dir failed'));
      logger.info({ confDir, pluginDirs }, 'a watched dir was replaced (or a symlink retargeted): reading everything again');
    }
    dirIdentity = identity;
  }

  async function readEntry(file: string, previous: CachedFile | undefined): Promise<CachedFile | 'in-flux' | 'gone'> {
    let before: Stats;
    try {
      before = await stat(file);
    } catch {
      return 'gone';
    }
    if (!before.isFile()) return 'gone';
    const key = statKeyOf(before);
    if (previous && previous.statKey === key) return previous;
    if (before.size > maxConfBytes) {
      const error = new CniError('CONFIG_INVALID', `conf file ${file} is ${before.size} bytes, over the limit of ${maxConfBytes}; skipped unread`, { file });
      return { statKey: key, entry: { file, error } };
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      return { statKey: key, entry: { file, error } };
    }
    const after = await stat(file).catch(() => undefined);
    // A file written in place while we read it is taken whole or not at all: keep what we had.
    if (!after || statKeyOf(after) !== key) return 'in-flux';
    try {
      const list = parseNetworkConfigFile(text, file);
      // A name no ADD would accept makes the file unusable, not the default network that fails
      // every pod (libcni finds out only at ADD): the next good file is the default.
      try {
        validateNetworkName(list.name);
      } catch (error) {
        throw new CniError('NETWORK_NAME_INVALID', `conf file ${file}: ${(error as Error).message}`, { file, network: list.name }, { cause: error });
      }
      for (const plugin of list.plugins) validatePluginType(plugin.type, { file, network: list.name });
      return { statKey: key, entry: { file, list } };
    } catch (error) {
      // A good file that turns bad within moments of a write is most likely being rewritten in
      // place (a writer without rename): keep the last good one and look again next sync, so a
      // half-written file never hands the default network to the next file.
      if (previous && 'list' in previous.entry && Date.now() - before.mtimeMs < REWRITE_SETTLE_MS) return 'in-flux';
      return { statKey: key, entry: { file, error } };
    }
  }

  /** Re-reads just the changed files of an unchanged listing. */
  async function rereadFiles(dirtyNow: ReadonlySet<string>): Promise<boolean> {
    let changed = false;
    for (const file of dirtyNow) {
      const previous = files.get(file);
      if (!previous) continue;
      const result = await readEntry(file, previous);
      if (result === 'in-flux') {
        confDirty = true;
        dirtyFiles.add(file);
      } else if (result === 'gone') {
        // Removed, or no longer a regular file (a dir under its name): dropped now, since a
        // relist that finds the same name would not read a file it still holds. List again next time.
        files.delete(file);
        changed = true;
        listingDirty = confDirty = true;
      } else if (result !== previous) {
        files.set(file, result); // same key: the Map keeps the file's place in conf order
        changed = true;
      }
    }
    return changed;
  }

  async function readConfDir(dirtyNow: ReadonlySet<string>, forced: boolean): Promise<boolean> {
    let names: string[];
    try {
      names = await readdir(confDir);
    } catch {
      names = []; // a missing conf dir is no networks, not an error (libcni ConfFiles)
    }
    const wanted = selectConfFiles(names).map((name) => join(confDir, name));
    const wantedSet = new Set(wanted);
    let changed = false;
    for (const file of files.keys()) {
      if (!wantedSet.has(file)) {
        files.delete(file);
        changed = true;
      }
    }
    const toRead = wanted.filter((file) => forced || dirtyNow.has(file) || !files.has(file));
    const results = await Promise.all(toRead.map((file) => readEntry(file, files.get(file))));
    toRead.forEach((file, i) => {
      const result = results[i];
      if (result === 'gone') {
        if (files.delete(file)) changed = true;
      } else if (result === 'in-flux') {
        confDirty = true;
        dirtyFiles.add(file);
      } else if (result !== undefined && files.get(file) !== result) {
        files.set(file, result);
        changed = true;
      }
    });
    // Keep the conf-file order of the directory listing.
    if (changed) {
      const ordered = wanted.flatMap((file) => {
        const cached = files.get(file);
        return cached ? [[file, cached] as const] : [];
      });
      files.clear();
      for (const [file, cached] of ordered) files.set(file, cached);
    }
    return changed;
  }

  async function readPluginDirs(): Promise<boolean> {
    const found = new Map<string, CatalogPlugin>();
    for (const dir of pluginDirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      const stats = await Promise.all(names.map((name) => stat(join(dir, name)).catch(() => undefined)));
      names.forEach((name, i) => {
        const s = stats[i];
        if (!s || !s.isFile() || (s.mode & 0o111) === 0 || found.has(name)) return;
        found.set(name, { name, path: join(dir, name) });
      });
    }
    const same =
      found.size === plugins.size &&
      [...found].every(([name, plugin]) => plugins.get(name)?.path === plugin.path);
    if (same) return false;
    plugins = found;
    return true;
  }

  function logNewProblems(next: CatalogSnapshot): void {
    const current = new Set<string>();
    for (const problem of next.problems) {
      const key = `${problem.file}\0${problem.message}`;
      current.add(key);
      if (!loggedProblems.has(key)) logger.warn({ problem }, 'skipping network config file');
    }
    loggedProblems.clear();
    for (const key of current) loggedProblems.add(key);
  }

  async function syncNow(): Promise<CatalogSnapshot> {
    if (watching) noticeReplacedDirs();
    const needConf = confDirty || !watching;
    const needPlugins = pluginsDirty || !watching;
    if (!needConf && !needPlugins) return snapshot;
    // Swap the dirty marks: events that arrive while reading (and files caught mid-write)
    // mark the fresh set, for the next sync.
    const dirtyNow = dirtyFiles;
    const forced = everythingDirty || !watching;
    const relist = forced || listingDirty;
    dirtyFiles = new Set();
    confDirty = pluginsDirty = everythingDirty = listingDirty = false;
    const confChanged = !needConf ? false : relist ? await readConfDir(dirtyNow, forced) : await rereadFiles(dirtyNow);
    const pluginsChanged = needPlugins ? await readPluginDirs() : false;
    if (!confChanged && !pluginsChanged && snapshot.generation > 0) return snapshot;
    const next = buildCatalogSnapshot(
      [...files.values()].map((cached) => cached.entry),
      plugins,
      snapshot.generation + 1,
    );
    logNewProblems(next);
    snapshot = next;
    for (const listener of listeners) listener(next);
    return next;
  }

  let inFlight: Promise<CatalogSnapshot> | undefined;
  function sync(): Promise<CatalogSnapshot> {
    const run = (inFlight ?? Promise.resolve(snapshot)).then(syncNow, syncNow);
    inFlight = run;
    // Both ways, so a failed sync (a throwing reload listener) is the caller's rejection only, not
    // also an unhandled one of a `finally` copy.
    const settle = (): void => {
      if (inFlight === run) inFlight = undefined;
    };
    void run.then(settle, settle);
    return run;
  }

  return {
    sync,
    get snapshot() {
      return snapshot;
    },
    ready,
    onReload(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await watcher?.close();
    },
  };
}
