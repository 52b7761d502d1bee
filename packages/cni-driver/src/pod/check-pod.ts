/**
 * CHECK of a sandbox's attachments.
 */
import { CniError, isCniVersionAtLeast, parseNetworkConfigList, parseResult } from '@multinet/cni-types';
import { validateSandboxNetns } from '../attach/netns-safety.ts';
import { checkNetworkList } from '../chain/check-network-list.ts';
import type { DriverCore } from './driver-core.ts';

/**
 * CHECKs every made attachment whose version allows it (0.4.0+), with its recorded result.
 *
 * @throws {CniError} UNKNOWN_CONTAINER (no record), and the first CHECK failure
 */
export function checkPod(core: DriverCore, sandboxId: string, signal?: AbortSignal): Promise<void> {
  return core.onSandbox(sandboxId, async (state) => {
    const record = await state.records.read(sandboxId);
    if (!record) throw new CniError('UNKNOWN_CONTAINER', `no record of sandbox ${sandboxId}`, { containerId: sandboxId });
    await validateSandboxNetns(record.netns, sandboxId);
    const ctx = signal ? { ...state.chain, signal: AbortSignal.any([signal, ...(state.chain.signal ? [state.chain.signal] : [])]) } : state.chain;
    for (const attachment of record.attachments) {
      if (attachment.state !== 'added' || !isCniVersionAtLeast(attachment.cniVersion, '0.4.0')) continue;
      const prevResult = attachment.result ? parseResult(attachment.result, { cniVersion: attachment.cniVersion }) : undefined;
      await checkNetworkList(
        ctx,
        parseNetworkConfigList(attachment.configText),
        { containerId: sandboxId, netns: record.netns, ifName: attachment.ifName, args: attachment.cniArgs, capabilityArgs: attachment.capabilityArgs },
        { prevResult },
      );
    }
  });
}
