/**
 * The stdin of one plugin in a chain, as libcni's `buildOneConfig` makes it.
 */
import type { CniResult, NetworkConfigList, PluginConf } from '@multinet/cni-types';
import { formatJsonLikeGo } from './go-json.ts';
import { buildGoResult, flattenGoStruct } from './go-result.ts';

/** What the chain adds to a plugin's conf. */
export interface PluginStdinInput {
  /** The previous plugin's result (ADD) or the cached result (DEL/CHECK), as it is. */
  readonly prevResult?: CniResult | undefined;
  /** Capability args the runtime offers; each plugin gets only those it declares. */
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Selects the capability args a plugin declares (`"capabilities": {"x": true}`) among those the
 * runtime supplied. Pure.
 */
export function selectRuntimeConfig(plugin: PluginConf, capabilityArgs: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const selected: Record<string, unknown> = {};
  for (const [capability, enabled] of Object.entries(plugin.capabilities ?? {})) {
    if (enabled && Object.hasOwn(capabilityArgs, capability)) selected[capability] = capabilityArgs[capability];
  }
  return selected;
}

/**
 * Builds the stdin of `plugin`: its conf plus the list's `name` and `cniVersion`, `prevResult`
 * when there is one, and `runtimeConfig` with only the capabilities it declares (left out when
 * empty). Encoded byte for byte as libcni 1.1.2's `buildOneConfig`: the conf is a Go map (sorted
 * keys, HTML-safe escaping) and `prevResult` the decoded result struct in its field order — until
 * `runtimeConfig` is injected, which re-decodes everything into maps, so then its keys are sorted
 * too.
 */
export function buildPluginStdin(list: NetworkConfigList, plugin: PluginConf, input: PluginStdinInput = {}): string {
  const conf: Record<string, unknown> = { ...plugin, name: list.name, cniVersion: list.cniVersion };
  const runtimeConfig = selectRuntimeConfig(plugin, input.capabilityArgs);
  const hasRuntimeConfig = Object.keys(runtimeConfig).length > 0;
  if (input.prevResult) {
    const decoded = buildGoResult(input.prevResult);
    conf['prevResult'] = hasRuntimeConfig ? flattenGoStruct(decoded) : decoded;
  }
  if (hasRuntimeConfig) conf['runtimeConfig'] = runtimeConfig;
  return formatJsonLikeGo(conf);
}
