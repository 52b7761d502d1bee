/**
 * Network namespaces for sandboxes: real ones made with iproute2, or fake paths for runs
 * without root. Names are `<prefix><12 hex of the sandbox ID>` (prefix `multinet-sb-` unless a
 * test suite picks its own); removal is by exact name.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CniError } from '@multinet/cni-driver';

const run = promisify(execFile);

/** Where `ip netns` keeps named namespaces. */
export const NETNS_RUN_DIR = '/var/run/netns';

/** `statfs` type of a mounted namespace file (nsfs). */
const NSFS_MAGIC = 0x6e736673;

/** The default prefix of sandbox namespace names. */
export const DEFAULT_NETNS_PREFIX = 'multinet-sb-';

const NETNS_PREFIX_PATTERN = /^[A-Za-z0-9-]{1,32}$/;

/**
 * Checks a namespace name prefix: 1–32 letters, digits or `-` (a file name under
 * /var/run/netns, and safe to match by prefix).
 *
 * @throws {TypeError} when it is not
 */
export function validateNetnsPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || !NETNS_PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(`Expected \`netnsPrefix\` to be 1-32 letters, digits or '-', got \`${JSON.stringify(prefix) ?? String(prefix)}\``);
  }
}

/** How sandboxes get their network namespace. */
export type NetnsMode = 'real' | 'fake';

/** Makes and removes the namespace of a sandbox. */
export interface NetnsProvider {
  readonly mode: NetnsMode;
  /** The namespace name a sandbox gets. */
  nameFor(sandboxId: string): string;
  /** The path (CNI_NETNS) of a sandbox's namespace. */
  pathFor(sandboxId: string): string;
  /** Creates the namespace. @throws {CniError} SANDBOX_FAILED */
  create(sandboxId: string): Promise<string>;
  /**
   * True when `netnsPath` is a namespace a plugin can enter. A real one must be a mounted network
   * namespace: `ip netns add` killed halfway leaves a plain file under /var/run/netns, which
   * every plugin refuses ("unknown FS magic"), so it counts as gone.
   */
  isUsable(netnsPath: string): Promise<boolean>;
  /**
   * Removes the namespace by exact name — the name in `netnsPath` (what the sandbox registry
   * recorded, so a namespace made under another prefix is still found), else the one
   * {@link NetnsProvider.nameFor} gives; a missing one is fine. @throws {CniError} SANDBOX_FAILED
   */
  remove(sandboxId: string, netnsPath?: string): Promise<void>;
}

/** The namespace name of a sandbox: `<prefix><first 12 hex of its ID>`, prefix `multinet-sb-` by default. */
export function buildNetnsName(sandboxId: string, prefix: string = DEFAULT_NETNS_PREFIX): string {
  return `${prefix}${sandboxId.slice(0, 12)}`;
}

/** The name to remove: the recorded path's, when it lies in `dir`; else the prefix's. */
function selectNameToRemove(dir: string, sandboxId: string, prefix: string, netnsPath: string | undefined): string {
  return netnsPath !== undefined && dirname(netnsPath) === dir ? basename(netnsPath) : buildNetnsName(sandboxId, prefix);
}

/** True when this process can make real namespaces (root, and `ip` runs). */
export async function canCreateRealNetns(): Promise<boolean> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return run('ip', ['-V']).then(
    () => true,
    () => false,
  );
}

/** Real namespaces via `ip netns add|delete` (never through a shell). */
export function createRealNetnsProvider(prefix: string = DEFAULT_NETNS_PREFIX): NetnsProvider {
  return {
    mode: 'real',
    nameFor: (sandboxId) => buildNetnsName(sandboxId, prefix),
    pathFor: (sandboxId) => join(NETNS_RUN_DIR, buildNetnsName(sandboxId, prefix)),
    isUsable: async (netnsPath) => (await statfs(netnsPath).catch(() => undefined))?.type === NSFS_MAGIC,
    async create(sandboxId) {
      const name = buildNetnsName(sandboxId, prefix);
      try {
        await run('ip', ['netns', 'add', name]);
      } catch (error) {
        throw new CniError('SANDBOX_FAILED', `cannot create network namespace ${name}: ${stderrOf(error)}`, { containerId: sandboxId }, { cause: error });
      }
      return join(NETNS_RUN_DIR, name);
    },
    async remove(sandboxId, netnsPath) {
      const name = selectNameToRemove(NETNS_RUN_DIR, sandboxId, prefix, netnsPath);
      try {
        await run('ip', ['netns', 'delete', name]);
      } catch (error) {
        const text = stderrOf(error);
        if (/No such file|not found|Cannot remove namespace file/i.test(text) && !/Device or resource busy/.test(text)) return;
        throw new CniError('SANDBOX_FAILED', `cannot remove network namespace ${name}: ${text}`, { containerId: sandboxId }, { cause: error });
      }
    },
  };
}

/** Fake namespaces: a plain file under `<stateDir>/fake-netns/` that only fake plugins accept. */
export function createFakeNetnsProvider(stateDir: string, prefix: string = DEFAULT_NETNS_PREFIX): NetnsProvider {
  const dir = join(stateDir, 'fake-netns');
  const pathFor = (sandboxId: string): string => join(dir, buildNetnsName(sandboxId, prefix));
  return {
    mode: 'fake',
    nameFor: (sandboxId) => buildNetnsName(sandboxId, prefix),
    pathFor,
    isUsable: (netnsPath) => access(netnsPath).then(() => true, () => false),
    async create(sandboxId) {
      const path = pathFor(sandboxId);
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(path, '', { mode: 0o600 });
      } catch (error) {
        throw new CniError('SANDBOX_FAILED', `cannot create fake network namespace ${path}: ${error instanceof Error ? error.message : String(error)}`, { containerId: sandboxId }, { cause: error });
      }
      return path;
    },
    async remove(sandboxId, netnsPath) {
      await rm(join(dir, selectNameToRemove(dir, sandboxId, prefix, netnsPath)), { force: true });
    },
  };
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() ? stderr.trim() : String(error);
}
