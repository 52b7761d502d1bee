/**
 * The one file that talks to `@kubernetes/client-node` (1.4.0: 2.x does not load on Node 20):
 * the kubeconfig (auth, TLS), list as raw JSON (typed lists drop fields like KEP
 * `spec.networks`), watch streams, and merge patches of pod annotations.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { FakeRuntimeError } from '../errors.ts';

/** A list response: its items and the collection's resourceVersion. */
export interface K8sList {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
}

/** An error of the API with its HTTP status (410 Gone means "relist"). */
export class K8sApiError extends Error {
  override readonly name = 'K8sApiError';
  /**
   * @param statusCode - the HTTP status, or the `code` of an ERROR watch event
   * @param message - what failed
   */
  constructor(readonly statusCode: number | undefined, message: string) {
    super(message);
  }
}

/** What the Kubernetes source needs of an API client. */
export interface K8sClient {
  /** GETs a collection. @throws {K8sApiError} */
  list(path: string, query: Readonly<Record<string, string>>): Promise<K8sList>;
  /**
   * Watches a collection from `resourceVersion`; `onEvent` gets each event, `onDone` the end of
   * the stream (an error, or `null` when the server closed it). Returns the stop function.
   */
  watch(path: string, query: Readonly<Record<string, string>>, onEvent: (type: string, object: unknown) => void, onDone: (error: unknown) => void): Promise<() => void>;
  /** Merge-patches a pod's annotations. @throws the client's error */
  patchPodAnnotations(namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<void>;
}

/**
 * Reads a kubeconfig file (the same file `--kubeconfig` hands to thick plugins).
 *
 * @throws {FakeRuntimeError} KUBECONFIG_INVALID, naming the file and the line and column of a
 *   syntax error — never an excerpt of the file: its text holds tokens, keys and passwords (the
 *   YAML parser's own message quotes the lines around the error, and so is not kept as cause)
 */
export function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (error) {
    throw new FakeRuntimeError('KUBECONFIG_INVALID', `cannot load kubeconfig ${file}: ${describeWithoutContents(error)}`, { file });
  }
  if (!kc.getCurrentCluster()) throw new FakeRuntimeError('KUBECONFIG_INVALID', `cannot load kubeconfig ${file}: it is not a kubeconfig with a current cluster`, { file });
  return kc;
}

/** What went wrong, from the error's kind and position only (no text of the file). */
function describeWithoutContents(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; linePos?: Array<{ line: number; col: number }>; mark?: { line?: unknown; column?: unknown } };
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return `the file cannot be read (${e.code})`;
  // js-yaml (what the client reads it with) marks 0-based positions; yaml's linePos is 1-based.
  const at = e.linePos?.[0] ?? (typeof e.mark?.line === 'number' && typeof e.mark.column === 'number' ? { line: e.mark.line + 1, col: e.mark.column + 1 } : undefined);
  if (at) return `it is not valid YAML (line ${at.line}, column ${at.col})`;
  return `it is not a kubeconfig (${typeof e.name === 'string' ? e.name : 'error'})`;
}

/** Creates the client of a kubeconfig. */
export function createK8sClient(kc: KubeConfig): K8sClient {
  const core = kc.makeApiClient(CoreV1Api);
  const watcher = new Watch(kc);
  const server = (): string => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new K8sApiError(undefined, 'the kubeconfig has no current cluster');
    return cluster.server;
  };
  return {
    async list(path, query) {
      const url = new URL(server() + path);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      const options: RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
      await kc.applyToHTTPSOptions(options);
      const body = await new Promise<string>((resolve, reject) => {
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const req = send(url, options, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new K8sApiError(res.statusCode, `GET ${url.pathname} answered ${res.statusCode}: ${text.slice(0, 200)}`));
            else resolve(text);
          });
        });
        req.on('error', (error) => reject(new K8sApiError(undefined, `GET ${url.pathname} failed: ${error.message}`)));
        req.end();
      });
      let parsed: { items?: unknown; metadata?: { resourceVersion?: unknown } };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        throw new K8sApiError(200, `GET ${url.pathname} answered with a body that is not JSON`);
      }
      return { items: Array.isArray(parsed.items) ? parsed.items : [], resourceVersion: String(parsed.metadata?.resourceVersion ?? '') };
    },
    async watch(path, query, onEvent, onDone) {
      const controller = await watcher.watch(path, { ...query, allowWatchBookmarks: 'true' }, (type, object) => onEvent(type, object), (error: unknown) => {
        const status = (error as { statusCode?: number } | null)?.statusCode;
        onDone(error ? new K8sApiError(status, `watch ${path} ended: ${(error as Error).message ?? String(error)}`) : null);
      });
      return () => controller.abort();
    },
    async patchPodAnnotations(namespace, name, annotations) {
      await core.patchNamespacedPod({ name, namespace, body: { metadata: { annotations } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    },
  };
}
