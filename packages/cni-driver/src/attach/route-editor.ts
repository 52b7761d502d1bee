/**
 * The port through which default routes are changed inside a sandbox's network namespace, and
 * its real implementation: `nsenter --net=<netns> ip …`, spawned with argument arrays (never a
 * shell), as Multus' `netutils.DeleteDefaultGW` / `SetDefaultGW` do with netlink.
 */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { CniError } from '@multinet/cni-types';

/** Changes default routes in a sandbox's network namespace. */
export interface DefaultRouteEditor {
  /**
   * Removes every default route of `families` whose device is `ifName` (main table).
   *
   * @throws {CniError} DEFAULT_ROUTE_FAILED
   */
  deleteDefaultRoutes(netns: string, ifName: string, families: ReadonlyArray<4 | 6>): Promise<void>;
  /**
   * Adds a default route via each gateway on `ifName`; one that already exists is kept (as Multus).
   *
   * @throws {CniError} DEFAULT_ROUTE_FAILED
   */
  addDefaultRoutes(netns: string, ifName: string, gateways: readonly string[]): Promise<void>;
}

/** Options of {@link createIpRouteEditor}. */
export interface IpRouteEditorOptions {
  /** Time limit of each `ip` call. @default 5_000 */
  readonly timeoutMs?: number | undefined;
}

const NSFS_MAGIC = 0x6e736673;

interface IpOutcome {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The real editor: `nsenter --net=<netns> ip -4|-6 route …`. A netns path that is not a mounted
 * network namespace (the fake runtime's fake namespaces are plain files) is skipped: nothing is
 * run there, and the caller still edits the recorded result.
 */
export function createIpRouteEditor(options: IpRouteEditorOptions = {}): DefaultRouteEditor {
  const timeout = options.timeoutMs ?? 5_000;
  const ip = (netns: string, args: readonly string[]): Promise<IpOutcome> =>
    new Promise((resolve) => {
      execFile('nsenter', [`--net=${netns}`, 'ip', ...args], { timeout }, (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr: stderr || (error?.message ?? '') }));
    });
  const isRealNetns = async (netns: string): Promise<boolean> => (await statfs(netns).catch(() => undefined))?.type === NSFS_MAGIC;
  const fail = (netns: string, ifName: string, action: string, outcome: IpOutcome): CniError =>
    new CniError('DEFAULT_ROUTE_FAILED', `cannot ${action} on ${ifName} in netns ${netns}: ${outcome.stderr.trim()}`, { ifName });

  return {
    async deleteDefaultRoutes(netns, ifName, families) {
      if (!(await isRealNetns(netns))) return;
      for (const family of families) {
        const flag = `-${family}`;
        const listed = await ip(netns, ['-j', flag, 'route', 'show', 'table', 'main', 'exact', family === 4 ? '0.0.0.0/0' : '::/0', 'dev', ifName]);
        if (!listed.ok) throw fail(netns, ifName, `list the IPv${family} default routes`, listed);
        let routes: Array<{ gateway?: string; metric?: number }>;
        try {
          routes = JSON.parse(listed.stdout || '[]') as typeof routes;
        } catch {
          throw fail(netns, ifName, `read the IPv${family} default routes`, { ok: false, stdout: '', stderr: `unreadable output of ip: ${JSON.stringify(listed.stdout.slice(0, 200))}` });
        }
        for (const route of routes) {
          const via = route.gateway ? ['via', route.gateway] : [];
          const metric = route.metric !== undefined ? ['metric', String(route.metric)] : [];
          const deleted = await ip(netns, [flag, 'route', 'del', 'default', ...via, 'dev', ifName, ...metric, 'table', 'main']);
          if (!deleted.ok) throw fail(netns, ifName, `delete the IPv${family} default route${route.gateway ? ` via ${route.gateway}` : ''}`, deleted);
        }
      }
    },
    async addDefaultRoutes(netns, ifName, gateways) {
      if (gateways.length === 0 || !(await isRealNetns(netns))) return;
      for (const gateway of gateways) {
        const added = await ip(netns, [gateway.includes(':') ? '-6' : '-4', 'route', 'add', 'default', 'via', gateway, 'dev', ifName]);
        // Multus' SetDefaultGW ignores EEXIST.
        if (!added.ok && !/File exists/.test(added.stderr)) throw fail(netns, ifName, `add a default route via ${gateway}`, added);
      }
    },
  };
}
