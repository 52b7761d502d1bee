/**
 * Asking a plugin which spec versions it supports (the VERSION command).
 */
import { CURRENT_CNI_VERSION, isCniError, parseVersionResult, type VersionResult } from '@multinet/cni-types';
import { invokePlugin, type InvokePluginRequest } from './invoke-plugin.ts';

/**
 * Runs VERSION with libcni's stdin (`{"cniVersion":"1.1.0"}`) and dummy env, and decodes the
 * answer with libcni's fallbacks: a plugin that fails with `unknown CNI_COMMAND: VERSION`
 * predates VERSION and supports 0.1.0 only.
 *
 * @throws {CniError} PLUGIN_OUTPUT_INVALID and every code of `invokePlugin`
 */
export async function invokePluginVersion(
  request: Omit<InvokePluginRequest, 'command' | 'stdin' | 'containerId' | 'netns' | 'ifName' | 'args'>,
): Promise<VersionResult> {
  try {
    const answer = await invokePlugin({ ...request, command: 'VERSION', stdin: JSON.stringify({ cniVersion: CURRENT_CNI_VERSION }) });
    return parseVersionResult(answer, `plugin type="${request.type}"`);
  } catch (error) {
    if (isCniError(error) && /unknown CNI_COMMAND: VERSION/.test(error.details.pluginMsg ?? error.details.stderr ?? '')) {
      return { cniVersion: '0.1.0', supportedVersions: ['0.1.0'] };
    }
    throw error;
  }
}
