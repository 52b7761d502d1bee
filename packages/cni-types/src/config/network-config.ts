/**
 * Network configurations: a single plugin conf (`.conf`) and a network config list
 * (`.conflist`), parsed with libcni's rules (`ConfListFromBytes`).
 */
import { z } from 'zod';
import { CniError, formatIssues } from '../errors.ts';
import { CURRENT_CNI_VERSION, compareCniVersions, parseCniVersion } from '../version/cni-version.ts';

/** One plugin's configuration. Plugins own unknown fields, so they are kept. */
export const PluginConfSchema = z.looseObject({
  type: z.string({ error: 'missing "type"' }).min(1, 'missing "type"'),
  name: z.string().optional(),
  cniVersion: z.string().optional(),
  capabilities: z.record(z.string(), z.boolean()).optional(),
});

/** One plugin's configuration. */
export type PluginConf = z.infer<typeof PluginConfSchema>;

/** A network config list, as the runtime uses it. */
export interface NetworkConfigList {
  /** The network name. */
  readonly name: string;
  /** The effective version: the highest of `cniVersion` and `cniVersions` (≤ 1.1.0), normalized. */
  readonly cniVersion: string;
  /** The `cniVersions` list (spec 1.1), when given. */
  readonly cniVersions?: readonly string[] | undefined;
  /** Skip CHECK for this network. */
  readonly disableCheck: boolean;
  /** Skip GC for this network. */
  readonly disableGC: boolean;
  /** Do not load plugins from `<confdir>/<name>/` (spec 1.1 aggregation). */
  readonly loadOnlyInlinedPlugins: boolean;
  /** The plugins, in chain order. */
  readonly plugins: readonly PluginConf[];
  /** The exact original text: what gets cached and replayed on DEL. */
  readonly bytes: string;
}

/** Where a config came from, for messages. */
export interface ConfigSource {
  readonly file?: string | undefined;
}

const where = (source: ConfigSource | undefined): string => (source?.file ? ` in ${source.file}` : '');

function fail(message: string, source: ConfigSource | undefined, issues?: Array<{ path: string; message: string }>): never {
  throw new CniError('CONFIG_INVALID', `${message}${where(source)}`, { file: source?.file, issues });
}

function parseJsonObject(text: string, source: ConfigSource | undefined): Record<string, unknown> {
  if (text.trim() === '') fail('network config is empty', source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`network config is not valid JSON (${(error as Error).message})`, source);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('network config is not a JSON object', source);
  if (measureJsonDepth(value) > MAX_CONFIG_DEPTH) fail(`network config is nested deeper than ${MAX_CONFIG_DEPTH} levels`, source);
  return value as Record<string, unknown>;
}

/** How deep a config may nest: far past any real plugin's, well short of a recursive encoder's stack. */
export const MAX_CONFIG_DEPTH = 128;

/** The nesting depth of a parsed JSON value, measured without recursion. */
function measureJsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_CONFIG_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** libcni accepts a JSON bool or the strings "true"/"false" in any case. */
function parseFlag(raw: Record<string, unknown>, key: string, source: ConfigSource | undefined): boolean {
  const value = raw[key];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return fail(`invalid "${key}": ${JSON.stringify(value)} is neither a boolean nor "true"/"false"`, source);
}

function parseVersionField(value: unknown, key: string, source: ConfigSource | undefined): string {
  if (typeof value !== 'string') fail(`invalid "${key}": expected a string, got ${JSON.stringify(value)}`, source);
  try {
    return parseCniVersion(value);
  } catch {
    return fail(`invalid "${key}": ${JSON.stringify(value)} is not a CNI version`, source);
  }
}

function parsePlugin(value: unknown, index: number, source: ConfigSource | undefined): PluginConf {
  const parsed = PluginConfSchema.safeParse(value);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error.issues).map((i) => ({ ...i, path: `plugins[${index}]${i.path ? `.${i.path}` : ''}` }));
    fail(`invalid plugin ${index} (${issues.map((i) => i.message).join('; ')})`, source, issues);
  }
  return parsed.data;
}

/**
 * Parses a network config list with libcni's rules: `name` is a required string; `cniVersion`
 * an optional string (`''` = 0.1.0); `cniVersions` an array of versions, entries newer than
 * 1.1.0 dropped, and the highest of them and `cniVersion` becomes the list's version;
 * `disableCheck`/`disableGC`/`loadOnlyInlinedPlugins` accept a bool or "true"/"false";
 * `plugins` a non-empty array of plugin confs, each with a `type`.
 *
 * @throws {CniError} CONFIG_INVALID, naming the file and the field
 */
export function parseNetworkConfigList(text: string, source?: ConfigSource): NetworkConfigList {
  // The same bytes parse to the same list: a record's config is parsed once, not per step.
  // (Only without a source, whose name goes into error messages.)
  if (source === undefined) {
    const known = PARSED_LISTS.get(text);
    if (known) return known;
    const list = freezeDeep(parseNetworkConfigListUncached(text));
    if (PARSED_LISTS.size >= PARSED_LISTS_MAX) PARSED_LISTS.delete(PARSED_LISTS.keys().next().value!);
    PARSED_LISTS.set(text, list);
    return list;
  }
  return parseNetworkConfigListUncached(text, source);
}

function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) freezeDeep(inner);
    Object.freeze(value);
  }
  return value;
}

/** Lists parsed from text alone, by text; oldest dropped first. Values are frozen (shared). */
const PARSED_LISTS = new Map<string, NetworkConfigList>();
const PARSED_LISTS_MAX = 512;

function parseNetworkConfigListUncached(text: string, source?: ConfigSource): NetworkConfigList {
  const raw = parseJsonObject(text, source);
  if (!('name' in raw)) fail('network config list has no "name"', source);
  if (typeof raw['name'] !== 'string') fail(`invalid "name": expected a string, got ${JSON.stringify(raw['name'])}`, source);
  const declared = raw['cniVersion'] === undefined ? '0.1.0' : parseVersionField(raw['cniVersion'], 'cniVersion', source);
  let cniVersion = declared;
  let cniVersions: string[] | undefined;
  if (raw['cniVersions'] !== undefined) {
    if (!Array.isArray(raw['cniVersions'])) fail('invalid "cniVersions": expected an array of strings', source);
    cniVersions = (raw['cniVersions'] as unknown[]).map((v, i) => parseVersionField(v, `cniVersions[${i}]`, source));
    const usable = [...cniVersions, ...(raw['cniVersion'] === undefined ? [] : [declared])].filter(
      (v) => compareCniVersions(v, CURRENT_CNI_VERSION) <= 0,
    );
    // SPEC 1.1: the runtime picks the highest version it supports from cniVersions.
    cniVersion = usable.sort(compareCniVersions).at(-1) ?? declared;
  }
  const disableCheck = parseFlag(raw, 'disableCheck', source);
  const disableGC = parseFlag(raw, 'disableGC', source);
  const loadOnlyInlinedPlugins = parseFlag(raw, 'loadOnlyInlinedPlugins', source);
  const plugins = raw['plugins'];
  if (plugins === undefined) fail(`network config list "${raw['name']}" has no "plugins" key`, source);
  if (!Array.isArray(plugins)) fail('invalid "plugins": expected an array', source);
  if (plugins.length === 0) fail(`network config list "${raw['name']}" has no plugins in "plugins"`, source);
  return {
    name: raw['name'],
    cniVersion,
    ...(cniVersions ? { cniVersions } : {}),
    disableCheck,
    disableGC,
    loadOnlyInlinedPlugins,
    plugins: plugins.map((p, i) => parsePlugin(p, i, source)),
    bytes: text,
  };
}

/**
 * Parses a single plugin conf (a `.conf` file): it must have a `type`.
 *
 * @throws {CniError} CONFIG_INVALID
 */
export function parsePluginConf(text: string, source?: ConfigSource): { conf: PluginConf; bytes: string } {
  const raw = parseJsonObject(text, source);
  if (raw['plugins'] !== undefined && raw['type'] === undefined) {
    fail('network config has "plugins" but no "type": it is a network config list (name it .conflist)', source);
  }
  const conf = parsePlugin(raw, 0, source);
  if (conf.cniVersion !== undefined) parseVersionField(conf.cniVersion, 'cniVersion', source);
  return { conf, bytes: text };
}

/**
 * Up-converts a single plugin conf to a list, as libcni's `ConfListFromConf`: the list is
 * `{"cniVersion","name","plugins":[conf]}` and its bytes are that object's JSON.
 *
 * @throws {CniError} CONFIG_INVALID
 */
export function convertConfToConfList(conf: PluginConf, source?: ConfigSource): NetworkConfigList {
  const bytes = JSON.stringify({ cniVersion: conf.cniVersion ?? '', name: conf.name ?? '', plugins: [conf] });
  return parseNetworkConfigList(bytes, source);
}

/**
 * Parses a conf dir file by its extension: `.conflist` as a list; `.conf`/`.json` as a single
 * plugin conf up-converted to a list — except that a `.conf`/`.json` holding a `plugins` array
 * and no `type` is read as a list (ocicni rejects such a file; we accept what it plainly is).
 *
 * @throws {CniError} CONFIG_INVALID naming the file
 */
export function parseNetworkConfigFile(text: string, file: string): NetworkConfigList {
  const source = { file };
  if (file.endsWith('.conflist')) return parseNetworkConfigList(text, source);
  const raw = parseJsonObject(text, source);
  if (Array.isArray(raw['plugins']) && raw['type'] === undefined) return parseNetworkConfigList(text, source);
  const { conf } = parsePluginConf(text, source);
  return convertConfToConfList(conf, source);
}
