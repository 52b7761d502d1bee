/**
 * Network namespaces for sandboxes: real ones made with iproute2, or fake paths for runs
 * without root. Names are `multinet-sb-<12 hex of the sandbox ID>`; removal is by exact name.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CniError } from '@multinet/cni-driver';

const run = promisify(execFile);

/** Where `ip netns` keeps named namespaces. */
export const NETNS_RUN_DIR = '/var/run/netns';

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
  /** Removes the namespace by exact name; a missing one is fine. @throws {CniError} SANDBOX_FAILED */
  remove(sandboxId: string): Promise<void>;
}

/** The namespace name of a sandbox: `multinet-sb-<first 12 hex of its ID>`. */
export function buildNetnsName(sandboxId: string): string {
  return `multinet-sb-${sandboxId.slice(0, 12)}`;
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
export function createRealNetnsProvider(): NetnsProvider {
  return {
    mode: 'real',
    nameFor: buildNetnsName,
    pathFor: (sandboxId) => join(NETNS_RUN_DIR, buildNetnsName(sandboxId)),
    async create(sandboxId) {
      const name = buildNetnsName(sandboxId);
      try {
        await run('ip', ['netns', 'add', name]);
      } catch (error) {
        throw new CniError('SANDBOX_FAILED', `cannot create network namespace ${name}: ${stderrOf(error)}`, { containerId: sandboxId }, { cause: error });
      }
      return join(NETNS_RUN_DIR, name);
    },
    async remove(sandboxId) {
      const name = buildNetnsName(sandboxId);
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
export function createFakeNetnsProvider(stateDir: string): NetnsProvider {
  const dir = join(stateDir, 'fake-netns');
  const pathFor = (sandboxId: string): string => join(dir, buildNetnsName(sandboxId));
  return {
    mode: 'fake',
    nameFor: buildNetnsName,
    pathFor,
    async create(sandboxId) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const path = pathFor(sandboxId);
      await writeFile(path, '', { mode: 0o600 });
      return path;
    },
    async remove(sandboxId) {
      await rm(pathFor(sandboxId), { force: true });
    },
  };
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() ? stderr.trim() : String(error);
}
