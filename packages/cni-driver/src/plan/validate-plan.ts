/**
 * Everything a plugin call will check, checked for a whole plan before anything is recorded or
 * run: a request that can never reach a plugin must fail its pod at once, not leave a record
 * whose DELs fail forever.
 */
import { CniError, formatCniArgs, parseNetworkConfigList, validateContainerId, validateInterfaceName, validateNetworkName } from '@multinet/cni-types';
import { validatePluginType } from '../invoke/plugin-path.ts';
import type { PodPlan } from '../pod/pod-types.ts';

/**
 * Validates the sandbox and every attachment of a plan as ADD and DEL would.
 *
 * @throws {CniError} CONTAINER_ID_INVALID, INTERFACE_NAME_INVALID, NETWORK_NAME_INVALID,
 *   CNI_ARGS_INVALID, PLUGIN_TYPE_INVALID, CONFIG_INVALID, NETNS_UNSAFE (a netns that is not an absolute path)
 */
export function validatePodPlan(plan: PodPlan): void {
  validateContainerId(plan.sandboxId);
  if (!plan.netns.startsWith('/') || /[\0\n]/.test(plan.netns)) {
    throw new CniError('NETNS_UNSAFE', `sandbox ${plan.sandboxId}: netns ${JSON.stringify(plan.netns)} is not an absolute path`, { containerId: plan.sandboxId });
  }
  for (const attachment of plan.attachments) {
    validateInterfaceName(attachment.ifName);
    formatCniArgs(attachment.cniArgs);
    const list = parseNetworkConfigList(attachment.configText);
    validateNetworkName(list.name);
    for (const plugin of list.plugins) validatePluginType(plugin.type, { network: list.name });
  }
}
