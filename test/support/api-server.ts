/**
 * A small Kubernetes API server on 127.0.0.1 that speaks the real wire format for what the
 * Kubernetes source uses: list bodies with a collection resourceVersion, chunked watch streams
 * of JSON events (`{"type","object"}` per line) from a resourceVersion, `410 Gone` as an ERROR
 * event once history is compacted, merge-patch of pods, and field selectors on `spec.nodeName`.
 * Not a mock of the client library: the client talks HTTP to it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';

type Item = Record<string, any>;
interface Collection {
  readonly items: Map<string, Item>;
  readonly history: Array<{ rv: number; type: string; object: Item }>;
}

/** One request the server saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly contentType?: string | undefined;
  readonly body?: unknown;
}

/** The server and its test controls. */
export interface TestApiServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Creates or replaces an object in a collection (`/api/v1/pods`, `/apis/…/plural`); emits ADDED/MODIFIED. */
  put(collection: string, object: Item): void;
  /** Deletes an object; emits DELETED. */
  remove(collection: string, namespace: string | undefined, name: string): void;
  /** An object as stored. */
  get(collection: string, namespace: string | undefined, name: string): Item | undefined;
  /** Forgets all history (a later watch from an older resourceVersion gets 410) and ends open watches. */
  compact(): void;
  /** Answers the next `count` requests whose path starts with `prefix` with HTTP `status`. */
  failNext(prefix: string, count: number, status: number): void;
  /** Writes a kubeconfig for this server (http, so insecure-skip-tls-verify as client-node 1.x needs). */
  writeKubeconfig(file: string): Promise<void>;
  close(): Promise<void>;
}

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startTestApiServer(): Promise<TestApiServer> {
  let rv = 100;
  let compactedAt = 0;
  const collections = new Map<string, Collection>();
  const watchers = new Set<{ collection: string; match: (o: Item) => boolean; res: ServerResponse }>();
  const failures: Array<{ prefix: string; count: number; status: number }> = [];
  const requests: SeenRequest[] = [];

  const collectionOf = (path: string): Collection => {
    let c = collections.get(path);
    if (!c) collections.set(path, (c = { items: new Map(), history: [] }));
    return c;
  };

  const emit = (collection: string, type: string, object: Item): void => {
    collectionOf(collection).history.push({ rv, type, object });
    for (const w of watchers) if (w.collection === collection && w.match(object)) w.res.write(`${JSON.stringify({ type, object })}\n`);
  };

  const store = (collection: string, object: Item): void => {
    const c = collectionOf(collection);
    const key = keyOf(object.metadata?.namespace, object.metadata.name);
    const existed = c.items.has(key);
    rv += 1;
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv), uid: object.metadata.uid ?? `uid-${object.metadata.name}` } };
    c.items.set(key, stored);
    emit(collection, existed ? 'MODIFIED' : 'ADDED', stored);
  };

  const selectorOf = (query: Record<string, string>): ((o: Item) => boolean) => {
    const field = query['fieldSelector'];
    if (!field) return () => true;
    const [path, value] = field.split('=');
    return (o) => path !== 'spec.nodeName' || o.spec?.nodeName === value;
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = Object.fromEntries(url.searchParams);
      const body = req.method === 'PATCH' ? await readBody(req) : undefined;
      requests.push({ method: req.method ?? '', path: url.pathname, query, contentType: req.headers['content-type'], ...(body ? { body: JSON.parse(body) } : {}) });
      const failure = failures.find((f) => f.count > 0 && url.pathname.startsWith(f.prefix));
      if (failure) {
        failure.count -= 1;
        res.writeHead(failure.status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: failure.status }));
        return;
      }
      const podPatch = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'PATCH' && podPatch) {
        const c = collectionOf('/api/v1/pods');
        const current = c.items.get(keyOf(podPatch[1], podPatch[2]!));
        if (!current) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
          return;
        }
        if (req.headers['content-type'] !== 'application/merge-patch+json') {
          res.writeHead(415).end();
          return;
        }
        const patch = JSON.parse(body!) as Item;
        const merged = { ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), ...(patch.metadata?.annotations ?? {}) } } };
        store('/api/v1/pods', merged);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(collectionOf('/api/v1/pods').items.get(keyOf(podPatch[1], podPatch[2]!))));
        return;
      }
      if (req.method !== 'GET') {
        res.writeHead(405).end();
        return;
      }
      const collection = url.pathname;
      const c = collectionOf(collection);
      const match = selectorOf(query);
      if (query['watch'] === 'true') {
        const from = Number(query['resourceVersion'] ?? '0');
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        // As kube-apiserver: the headers go out at once, events follow as they happen.
        res.flushHeaders();
        if (from < compactedAt) {
          res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `too old resource version: ${from} (${compactedAt})`, reason: 'Expired', code: 410 } })}\n`);
          return;
        }
        for (const event of c.history) if (event.rv > from && match(event.object)) res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
        const watcher = { collection, match, res };
        watchers.add(watcher);
        req.on('close', () => watchers.delete(watcher));
        return;
      }
      const kind = collection === '/api/v1/pods' ? 'PodList' : 'List';
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({ kind, apiVersion: 'v1', metadata: { resourceVersion: String(Math.max(rv, compactedAt)) }, items: [...c.items.values()].filter(match).map(({ kind: _k, apiVersion: _a, ...rest }) => (collection === '/api/v1/pods' ? rest : { kind: _k, apiVersion: _a, ...rest })) }),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    put: store,
    remove(collection, namespace, name) {
      const c = collectionOf(collection);
      const object = c.items.get(keyOf(namespace, name));
      if (!object) return;
      c.items.delete(keyOf(namespace, name));
      rv += 1;
      emit(collection, 'DELETED', { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } });
    },
    get: (collection, namespace, name) => collectionOf(collection).items.get(keyOf(namespace, name)),
    compact() {
      compactedAt = rv + 1;
      for (const c of collections.values()) c.history.length = 0;
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    failNext(prefix, count, status) {
      failures.push({ prefix, count, status });
    },
    async writeKubeconfig(file) {
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'test', user: { token: 'test-token' } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
        'current-context': 'test',
      };
      await writeFile(file, JSON.stringify(config));
    },
    async close() {
      for (const w of watchers) w.res.end();
      watchers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
