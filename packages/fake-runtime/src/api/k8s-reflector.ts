/**
 * List, then watch from the list's resourceVersion; relist on 410 Gone; back off (bounded) on
 * errors. The state it hands on is a replace after each list and single events in between.
 */
import type { Logger } from '@multinet/cni-driver';
import { K8sApiError, type K8sClient } from './k8s-client.ts';
import type { K8sResource } from './k8s-resources.ts';

/** What a reflector reports. */
export interface ReflectorHandlers {
  /** After each (re)list: every item of the collection. */
  replace(items: readonly unknown[]): void;
  /** A watch event (`ADDED`, `MODIFIED`, `DELETED`). */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown): void;
}

/** Backoff of a reflector. */
export interface ReflectorBackoff {
  /** @default 200 */
  readonly initialMs?: number | undefined;
  /** @default 30_000 */
  readonly maxMs?: number | undefined;
}

/** A running list-watch loop. */
export interface Reflector {
  /** Resolves after the first successful list. */
  readonly synced: Promise<void>;
  /** How many lists it made (1 + relists), for status and tests. */
  readonly lists: number;
  /** Stops watching. */
  stop(): void;
}

/** The delay before retry `attempt` (1-based): doubling from `initialMs`, capped at `maxMs`. */
export function selectBackoffDelay(attempt: number, backoff: ReflectorBackoff = {}): number {
  const initial = backoff.initialMs ?? 200;
  const max = backoff.maxMs ?? 30_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}

const isGone = (error: unknown): boolean => error instanceof K8sApiError && error.statusCode === 410;

/** Starts a list-watch loop on one resource. */
export function startReflector(client: K8sClient, resource: K8sResource, handlers: ReflectorHandlers, options: { readonly backoff?: ReflectorBackoff | undefined; readonly logger: Logger }): Reflector {
  const logger = options.logger.child({ resource: resource.name });
  let stopped = false;
  let stopWatch: (() => void) | undefined;
  let wake: (() => void) | undefined;
  let lists = 0;
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Watches until the stream ends; resolves to why: relist (410), error, or a normal close. */
  const watchOnce = (resourceVersion: string, onRv: (rv: string) => void): Promise<'gone' | 'closed' | unknown> =>
    new Promise((resolve) => {
      let settled = false;
      const finish = (why: unknown): void => {
        if (settled) return;
        settled = true;
        stopWatch?.();
        resolve(why);
      };
      client
        .watch(
          resource.path,
          { ...resource.query, resourceVersion },
          (type, object) => {
            const rv = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
            if (type === 'ERROR') {
              const code = (object as { code?: unknown } | null)?.code;
              finish(code === 410 ? 'gone' : new K8sApiError(typeof code === 'number' ? code : undefined, `watch ${resource.path}: ERROR event ${JSON.stringify(object)}`));
              return;
            }
            if (typeof rv === 'string') onRv(rv);
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') handlers.event(type, object);
          },
          (error) => finish(error === null ? 'closed' : isGone(error) ? 'gone' : error),
        )
        .then((stop) => {
          stopWatch = stop;
          if (settled || stopped) stop();
        }, finish);
    });

  void (async () => {
    let failures = 0;
    let resourceVersion: string | undefined;
    while (!stopped) {
      try {
        if (resourceVersion === undefined) {
          const list = await client.list(resource.path, resource.query);
          lists += 1;
          resourceVersion = list.resourceVersion;
          handlers.replace(list.items);
          markSynced();
        }
        const why = await watchOnce(resourceVersion, (rv) => {
          resourceVersion = rv;
        });
        if (stopped) break;
        if (why === 'gone') {
          logger.info({ resourceVersion }, 'watch expired (410 Gone); relisting');
          resourceVersion = undefined;
          failures = 0;
          continue;
        }
        if (why === 'closed') {
          failures = 0;
          continue;
        }
        throw why;
      } catch (error) {
        if (stopped) break;
        if (error instanceof K8sApiError && error.statusCode === 404) {
          // The kind is not served (its CRD is not installed): empty, and looked at again later.
          if (resourceVersion === undefined) handlers.replace([]);
          markSynced();
        }
        if (isGone(error)) resourceVersion = undefined;
        failures += 1;
        const delay = selectBackoffDelay(failures, options.backoff);
        logger.warn({ err: error, delayMs: delay }, 'API error; backing off');
        await pause(delay);
      }
    }
  })();

  return {
    synced,
    get lists() {
      return lists;
    },
    stop() {
      stopped = true;
      stopWatch?.();
      wake?.();
    },
  };
}
