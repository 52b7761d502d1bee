/**
 * Version checks of a network config list against its plugin binaries.
 */
import { CniError, parseCniVersion, type NetworkConfigList, type VersionResult } from '@multinet/cni-types';
import { invokePluginVersion } from '../invoke/version-probe.ts';
import type { ChainContext } from './chain-context.ts';

/** Asks a plugin which versions it supports. @throws {CniError} */
export function getVersionInfo(ctx: ChainContext, pluginType: string): Promise<VersionResult> {
  return invokePluginVersion({
    executor: ctx.executor,
    pluginDirs: ctx.pluginDirs,
    type: pluginType,
    baseEnv: ctx.baseEnv,
    timeoutMs: ctx.timeoutMs,
    killGraceMs: ctx.killGraceMs,
    maxOutputBytes: ctx.maxOutputBytes,
    signal: ctx.signal,
    fenceFd: ctx.fenceFd,
  });
}

/**
 * libcni's `ValidateNetworkList`: every plugin must exist and support the list's exact version.
 * Returns the capabilities the plugins enable.
 *
 * @throws {AggregateError} of CniErrors (VERSION_INCOMPATIBLE, PLUGIN_NOT_FOUND, …), one per plugin that failed
 */
export async function validateNetworkList(ctx: ChainContext, list: NetworkConfigList): Promise<string[]> {
  const errors: unknown[] = [];
  const capabilities = new Set<string>();
  for (const plugin of list.plugins) {
    try {
      const info = await getVersionInfo(ctx, plugin.type);
      const supported = info.supportedVersions.map((v) => {
        try {
          return parseCniVersion(v);
        } catch {
          return v;
        }
      });
      if (!supported.includes(list.cniVersion)) {
        throw new CniError(
          'VERSION_INCOMPATIBLE',
          `plugin type="${plugin.type}" does not support config version "${list.cniVersion}" of network "${list.name}" (it supports [${info.supportedVersions.join(', ')}])`,
          { plugin: plugin.type, network: list.name, versions: { wanted: list.cniVersion, supported: info.supportedVersions } },
        );
      }
      for (const [name, enabled] of Object.entries(plugin.capabilities ?? {})) if (enabled) capabilities.add(name);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `network "${list.name}" failed validation`);
  return [...capabilities].sort();
}
