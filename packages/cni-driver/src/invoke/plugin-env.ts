/**
 * The environment of a plugin call, as libcni's `Args.AsEnv` builds it.
 */
import { formatCniArgs, type CniArgs } from '@multinet/cni-types';

/** The CNI commands. */
export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'GC' | 'STATUS' | 'VERSION';

/** What the CNI_* variables are made of. */
export interface PluginEnvInput {
  readonly command: CniCommand;
  readonly containerId?: string | undefined;
  readonly netns?: string | undefined;
  readonly ifName?: string | undefined;
  readonly args?: CniArgs | undefined;
  readonly pluginDirs: readonly string[];
}

/**
 * The whole base environment plus the six CNI variables, always set (empty when unknown) and
 * overriding inherited ones. VERSION gets libcni's dummies for plugins built on old skel.
 *
 * @throws {CniError} CNI_ARGS_INVALID
 */
export function buildPluginEnv(input: PluginEnvInput, baseEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(baseEnv)) if (value !== undefined) env[key] = value;
  const isVersion = input.command === 'VERSION';
  env['CNI_COMMAND'] = input.command;
  env['CNI_CONTAINERID'] = input.containerId ?? '';
  env['CNI_NETNS'] = isVersion ? 'dummy' : (input.netns ?? '');
  env['CNI_ARGS'] = formatCniArgs(input.args ?? []);
  env['CNI_IFNAME'] = isVersion ? 'dummy' : (input.ifName ?? '');
  env['CNI_PATH'] = isVersion ? 'dummy' : input.pluginDirs.join(':');
  return env;
}
