/**
 * Network objects (and pods) from manifest files or dirs, reloaded when they change.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isAbsolute } from 'node:path';
import { buildObjectKey, compareBytes, createDirWatcher, selectObjectKind, SILENT_LOGGER, type AnyNetworkObject, type DirWatcher, type Logger, type NetworkObject, type ObjectProblem, type ObjectSource, type PodManifest } from '@multinet/cni-driver';
import { parseManifestText } from './manifest-file.ts';
import { DEFAULT_MAX_MANIFEST_BYTES, readManifestFile, validateMaxManifestBytes } from './manifest-read.ts';

/** Options of {@link createManifestObjectSource}. */
export interface ManifestObjectSourceOptions {
  /** Absolute manifest files or dirs (`*.yaml`, `*.yml`, `*.json` in a dir, in byte order). */
  readonly paths: readonly string[];
  /** Reload when the files change. @default true */
  readonly watch?: boolean | undefined;
  /** Larger manifest files are skipped unread, as a `MANIFEST_TOO_LARGE` problem. @default 1 MiB */
  readonly maxManifestBytes?: number | undefined;
  /** @default silent */
  readonly logger?: Logger | undefined;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

async function listManifestFiles(paths: readonly string[], problems: ObjectProblem[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isFile()) files.push(path);
    else if (info.isDirectory()) {
      const names = await readdir(path).catch((error: unknown) => {
        problems.push({ file: path, code: 'MANIFEST_INVALID', message: `cannot list manifest dir ${path}: ${error instanceof Error ? error.message : String(error)}` });
        return [];
      });
      files.push(...names.filter((n) => MANIFEST_FILE.test(n) && !n.startsWith('.')).sort(compareBytes).map((n) => join(path, n)));
    }
  }
  return files;
}

/** Network objects and pods from manifest files. */
export interface ManifestObjectSource extends ObjectSource {
  /** Resolves when the watcher is live. */
  readonly ready: Promise<void>;
  /** Every network object of the manifests. */
  listNetworks(): AnyNetworkObject[];
  /** Every pod of the manifests. */
  listPods(): PodManifest[];
  /** Documents skipped at the last sync. */
  readonly problems: readonly ObjectProblem[];
  /** Stops watching. */
  close(): Promise<void>;
}

/**
 * Loads Network objects and Pods from manifests. A bad document or file is a problem (logged
 * once), never an exception — an unparsable or hostile file (a YAML alias bomb, a file over
 * `maxManifestBytes`) costs only its own objects; the last good state is replaced on every reload.
 *
 * @throws {TypeError} for a relative path or a `maxManifestBytes` that is not a positive whole number
 */
export function createManifestObjectSource(options: ManifestObjectSourceOptions): ManifestObjectSource {
  options.paths.forEach((p, i) => {
    if (!isAbsolute(p)) throw new TypeError(`Expected \`paths[${i}]\` to be an absolute path, got \`${JSON.stringify(p)}\``);
  });
  const maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
  validateMaxManifestBytes(maxManifestBytes);
  const logger = (options.logger ?? SILENT_LOGGER).child({ component: 'manifests' });
  let networks = new Map<string, AnyNetworkObject>();
  let pods: PodManifest[] = [];
  let problems: ObjectProblem[] = [];
  let dirty = true;
  const watching = options.watch ?? true;
  let watcher: DirWatcher | undefined;
  if (watching) {
    watcher = createDirWatcher(options.paths, () => {
      dirty = true;
    });
  }
  let signature = '';

  return {
    ready: watcher ? watcher.ready : Promise.resolve(),
    get problems() {
      return problems;
    },
    async sync() {
      if (watching && !dirty) return false;
      dirty = false;
      const nextNetworks = new Map<string, AnyNetworkObject>();
      const nextPods: PodManifest[] = [];
      const nextProblems: ObjectProblem[] = [];
      const files = await listManifestFiles(options.paths, nextProblems);
      const reads = await Promise.all(files.map((f) => readManifestFile(f, maxManifestBytes)));
      files.forEach((file, i) => {
        const read = reads[i];
        if (read === undefined) return;
        if ('problem' in read) {
          nextProblems.push(read.problem);
          return;
        }
        const contents = parseManifestText(read.text, file);
        for (const n of contents.networks) nextNetworks.set(buildObjectKey(selectObjectKind(n), n.namespace, n.name), n);
        nextPods.push(...contents.pods);
        nextProblems.push(...contents.problems);
      });
      const nextSignature = JSON.stringify([[...nextNetworks.values()], nextPods, nextProblems]);
      const changed = nextSignature !== signature;
      if (changed) {
        for (const problem of nextProblems) if (!problems.some((p) => p.message === problem.message)) logger.warn({ problem }, 'skipping manifest document');
        networks = nextNetworks;
        pods = nextPods;
        problems = nextProblems;
        signature = nextSignature;
      }
      return changed;
    },
    getNetwork: (namespace, name) => networks.get(buildObjectKey('Network', namespace, name)) as NetworkObject | undefined,
    getObject: (kind, namespace, name) => networks.get(buildObjectKey(kind, namespace, name)),
    listNetworks: () => [...networks.values()],
    listPods: () => [...pods],
    async close() {
      await watcher?.close();
    },
  };
}
