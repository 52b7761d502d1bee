/**
 * `multinet cnitool`: the CNI project's cnitool, same environment, same output, same exit status.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CniError,
  parseCniArgs,
  parseNetworkConfigFile,
  type CniResult,
  type NetworkConfigList,
} from '@multinet/cni-types';
import { createCniConfig } from '../chain/cni-config.ts';
import { formatIndentedJsonLikeGo } from '../chain/go-json.ts';
import { buildGoResult } from '../chain/go-result.ts';
import { compareBytes } from '../config/conf-files.ts';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import type { PluginExecutor } from '../invoke/plugin-executor.ts';
import { validateCapabilityArgs } from '../plan/capability-args.ts';

/** Where cnitool reads and writes. */
export interface CnitoolIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly executor?: PluginExecutor | undefined;
  /** Base for a relative netns path. @default process.cwd() */
  readonly cwd?: string | undefined;
}

/** cnitool's usage text, printed on stderr (exit 1) for malformed arguments, as cnitool does. */
export const CNITOOL_USAGE = `cnitool: Add, check, remove, gc or status network interfaces from a network namespace
  cnitool [--cache-dir <dir>] add    <net> <netns>
  cnitool [--cache-dir <dir>] check  <net> <netns>
  cnitool [--cache-dir <dir>] del    <net> <netns>
  cnitool [--cache-dir <dir>] gc     <net> <netns>
  cnitool [--cache-dir <dir>] status <net> <netns>
`;

/**
 * libcni's `LoadConfList`: `.conflist` files in byte order first (a file that fails to parse
 * before the match is an error), then `.conf`/`.json` up-converted.
 *
 * @throws {CniError} NO_CONFIGS_FOUND, CONFIG_NOT_FOUND, CONFIG_INVALID
 */
export async function loadConfList(dir: string, name: string): Promise<NetworkConfigList> {
  const names = (await readdir(dir).catch(() => [] as string[])).sort(compareBytes);
  const lists = names.filter((n) => n.endsWith('.conflist'));
  const singles = names.filter((n) => n.endsWith('.conf') || n.endsWith('.json'));
  if (lists.length === 0 && singles.length === 0) {
    throw new CniError('NO_CONFIGS_FOUND', `no net configurations found in ${dir}`, { file: dir });
  }
  for (const file of [...lists, ...singles]) {
    const path = join(dir, file);
    const list = parseNetworkConfigFile(await readFile(path, 'utf8'), path);
    if (list.name === name) return list;
  }
  throw new CniError('CONFIG_NOT_FOUND', `no net configuration with name "${name}" in ${dir}`, { network: name, file: dir });
}

/** cnitool's container ID: `cnitool-` + hex of the first 10 bytes of sha512(netns path). */
export function buildCnitoolContainerId(netns: string): string {
  return `cnitool-${createHash('sha512').update(netns).digest('hex').slice(0, 20)}`;
}

/**
 * Prints a result as cnitool does (`result.Print()`: Go's `json.MarshalIndent(result, "", "    ")`
 * of libcni's struct of the result's own version): its field order, `dns` always present,
 * HTML-safe escaping, no trailing newline.
 */
export function formatCnitoolResult(result: CniResult): string {
  return formatIndentedJsonLikeGo(buildGoResult(result), '    ');
}

/**
 * cnitool's `json.Unmarshal(CAP_ARGS, &map)`: `null` leaves the map nil, as if unset. The
 * well-known capabilities are then checked for their conventions' shape (cnitool does not).
 *
 * @throws {CniError} CAPABILITY_ARGS_INVALID when CAP_ARGS is not a JSON object or null, or a
 *   well-known capability has the wrong shape (the message names the capability and the field)
 */
export function parseCapArgs(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CniError('CAPABILITY_ARGS_INVALID', `CAP_ARGS is not valid JSON: ${JSON.stringify(text.slice(0, 100))}`);
  }
  if (value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CniError('CAPABILITY_ARGS_INVALID', 'CAP_ARGS must be a JSON object');
  }
  // Unlike cnitool, a well-known capability of the wrong shape is refused before any plugin runs.
  validateCapabilityArgs(value, 'CAP_ARGS');
  return value as Record<string, unknown>;
}

/**
 * Runs cnitool with `argv` (after `cnitool`); resolves to the exit status: 0, or 1 with the
 * error on stderr. Fewer than three words prints the usage (exit 1); an unknown verb does
 * nothing (exit 0), as cnitool.
 */
export async function runCnitool(argv: readonly string[], io: CnitoolIo): Promise<number> {
  const words = [...argv];
  let cacheDir = io.env['CNI_CACHE_DIR'] || '/var/lib/cni';
  while (words[0]?.startsWith('--')) {
    const flag = words.shift();
    if (flag === '--cache-dir' && words[0] !== undefined) cacheDir = resolve(io.cwd ?? process.cwd(), words.shift()!);
    else if (flag?.startsWith('--cache-dir=')) cacheDir = resolve(io.cwd ?? process.cwd(), flag.slice('--cache-dir='.length));
    else {
      io.stderr(CNITOOL_USAGE);
      return 1;
    }
  }
  if (words.length < 3) {
    io.stderr(CNITOOL_USAGE);
    return 1;
  }
  const [verb, name, netnsArg] = words as [string, string, string];
  if (!['add', 'check', 'del', 'gc', 'status'].includes(verb)) return 0;
  try {
    const list = await loadConfList(io.env['NETCONFPATH'] || '/etc/cni/net.d', name);
    const capabilityArgs = parseCapArgs(io.env['CAP_ARGS']);
    const args = parseCniArgs(io.env['CNI_ARGS'] ?? '');
    const ifName = io.env['CNI_IFNAME'] === undefined ? 'eth0' : io.env['CNI_IFNAME'];
    const netns = resolve(io.cwd ?? process.cwd(), netnsArg);
    const pluginDirs = (io.env['CNI_PATH'] ?? '').split(':').filter(Boolean).map((dir) => resolve(io.cwd ?? process.cwd(), dir));
    // A one-shot command is a small process: spawning from it directly is cheapest.
    const cni = createCniConfig({ pluginDirs, cacheDir: resolve(cacheDir), executor: io.executor ?? createExecaExecutor(), baseEnv: io.env });
    const rt = { containerId: buildCnitoolContainerId(netns), netns, ifName, args, ...(capabilityArgs ? { capabilityArgs } : {}) };
    switch (verb) {
      case 'add': {
        const result = await cni.addNetworkList(list, rt);
        if (result) io.stdout(formatCnitoolResult(result));
        break;
      }
      case 'check':
        await cni.checkNetworkList(list, rt);
        break;
      case 'del':
        await cni.delNetworkList(list, rt);
        break;
      case 'gc':
        // cnitool passes no GC args: every cached attachment of the network is stale.
        await cni.gcNetworkList(list);
        break;
      default:
        await cni.getStatusNetworkList(list);
    }
    return 0;
  } catch (error) {
    const message =
      error instanceof AggregateError
        ? error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')
        : error instanceof Error
          ? error.message
          : String(error);
    io.stderr(`${message}\n`);
    return 1;
  }
}
