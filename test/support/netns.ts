/**
 * Test network namespaces and links with unique, project-prefixed names, always removed by
 * exact name. Addresses used by tests stay inside 10.250.0.0/16 and fd00:250::/64.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A unique short suffix (8 hex chars) for names of test resources. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * A unique sandbox-namespace prefix for a fake runtime in a test (`mnt-<8 hex>-`), so that its
 * namespaces never share names with another run's (two suites on one machine) and are found by it.
 */
export function uniqueNetnsPrefix(): string {
  return `mnt-${uniqueSuffix()}-`;
}

/** Runs `ip` with the given arguments (never through a shell). */
export async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args);
  return stdout;
}

/** A network namespace made for one test. */
export interface TestNetns {
  /** The namespace's name under /var/run/netns (`multinet-t-<suffix>`). */
  readonly name: string;
  /** The namespace's path, as CNI_NETNS. */
  readonly path: string;
  /** Removes the namespace (by exact name); safe to call twice. */
  remove(): Promise<void>;
}

/** Creates a namespace named `multinet-t-<suffix>`. */
export async function createTestNetns(): Promise<TestNetns> {
  const name = `multinet-t-${uniqueSuffix()}`;
  await ip('netns', 'add', name);
  let removed = false;
  return {
    name,
    path: `/var/run/netns/${name}`,
    async remove() {
      if (removed) return;
      removed = true;
      await ip('netns', 'delete', name).catch(() => undefined);
    },
  };
}

/** A veth pair left down on the host, to serve as a macvlan/ipvlan master (no `dummy` here). */
export interface TestVeth {
  /** The end used as a master (`mnv<suffix>`, 11 chars). */
  readonly name: string;
  /** Removes the pair by exact name; safe to call twice. */
  remove(): Promise<void>;
}

/** Creates a veth pair `mnv<suffix>` / `mnp<suffix>` on the host, both down. */
export async function createTestVeth(): Promise<TestVeth> {
  const suffix = uniqueSuffix();
  const name = `mnv${suffix}`;
  await ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `mnp${suffix}`);
  let removed = false;
  return {
    name,
    async remove() {
      if (removed) return;
      removed = true;
      await ip('link', 'delete', name).catch(() => undefined);
    },
  };
}

/** Deletes a host link by exact name if it exists (bridges made by the bridge plugin). */
export async function deleteLinkIfPresent(name: string): Promise<void> {
  await ip('link', 'delete', name).catch(() => undefined);
}

/** The IPv4/IPv6 addresses (CIDR form) on an interface inside a namespace. */
export async function addressesIn(netns: string, ifName: string): Promise<string[]> {
  const out = await ip('-n', netns, '-j', 'addr', 'show', 'dev', ifName).catch(() => '[]');
  const parsed = JSON.parse(out || '[]') as Array<{ addr_info?: Array<{ local: string; prefixlen: number; scope?: string }> }>;
  return parsed.flatMap((link) => (link.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`));
}

/** True when a link of that name exists in the namespace (or on the host when `netns` is undefined). */
export async function linkExists(ifName: string, netns?: string): Promise<boolean> {
  const args = netns ? ['-n', netns, 'link', 'show', 'dev', ifName] : ['link', 'show', 'dev', ifName];
  return ip(...args).then(
    () => true,
    () => false,
  );
}

/**
 * host-local leases left in a dataDir (every file but its bookkeeping), as `<network>/<ip>`;
 * only `network` when given.
 */
export async function listLeases(dataDir: string, network?: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const networks = network === undefined ? await readdir(dataDir).catch(() => [] as string[]) : [network];
  const all = await Promise.all(
    networks.map(async (n) =>
      (await readdir(`${dataDir}/${n}`).catch(() => [] as string[])).filter((f) => f !== 'lock' && !f.startsWith('last_reserved_ip')).map((f) => `${n}/${f}`),
    ),
  );
  return all.flat();
}
