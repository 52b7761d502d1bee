/**
 * The one file that imports chokidar: watches directories and reports which paths changed.
 * Watching only says *when* (and where) to reload; what is loaded is a pure function of the
 * directories' contents.
 */
import { watch, type FSWatcher } from 'chokidar';
import { basename } from 'node:path';

/** A running directory watch. */
export interface DirWatcher {
  /** Resolves once the initial scan is done and events are live. */
  readonly ready: Promise<void>;
  /** Stops watching. */
  close(): Promise<void>;
}

/** What a watched directory reports: a path that was added, changed or removed (or `dir` for the dir itself). */
export type DirChange = { readonly kind: 'add' | 'change' | 'unlink' | 'error'; readonly path: string };

/**
 * Watches `dirs` (not recursively; missing dirs are watched for creation) and calls `onChange`
 * for every add, change and unlink of a non-dot file. Errors are reported as `error` changes, and
 * the caller treats them as "everything may have changed" — the watch itself keeps going.
 */
export function createDirWatcher(dirs: readonly string[], onChange: (change: DirChange) => void): DirWatcher {
  const watcher: FSWatcher = watch([...dirs], {
    depth: 0,
    ignoreInitial: true,
    persistent: false,
    ignored: (path: string) => basename(path).startsWith('.') && !dirs.includes(path),
  });
  watcher.on('add', (path: string) => onChange({ kind: 'add', path }));
  watcher.on('change', (path: string) => onChange({ kind: 'change', path }));
  watcher.on('unlink', (path: string) => onChange({ kind: 'unlink', path }));
  watcher.on('addDir', (path: string) => onChange({ kind: 'add', path }));
  watcher.on('unlinkDir', (path: string) => onChange({ kind: 'unlink', path }));
  watcher.on('error', (error: unknown) => onChange({ kind: 'error', path: String(error) }));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: () => watcher.close(),
  };
}
