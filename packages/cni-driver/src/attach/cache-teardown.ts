/**
 * Teardown of a sandbox whose record is lost (or quarantined), from libcni's result cache.
 */
import { CniError, isCniError, parseNetworkConfigList, validateInterfaceName, validateNetworkName } from '@multinet/cni-types';
import { listCachedAttachments } from '../cache/result-cache.ts';
import type { ChainContext } from '../chain/chain-context.ts';
import { delNetworkList } from '../chain/del-network-list.ts';
import type { Logger } from '../internal/logger.ts';
import { validateSandboxNetns } from './netns-safety.ts';

const messageOf = (error: unknown): string => (isCniError(error) || error instanceof Error ? error.message : String(error));

/**
 * Tears down a sandbox with no record (lost or quarantined) from libcni's result cache: each
 * cached attachment of the container is DELeted with its ADD-time config. Neither record nor
 * cache: nothing to do.
 */
export async function tearDownFromCache(ctx: { readonly cleanup: ChainContext; readonly logger: Logger }, sandboxId: string): Promise<CniError[]> {
  const cached = await listCachedAttachments(ctx.cleanup.cacheDir, sandboxId, (file, reason) => ctx.logger.warn({ file, reason }, 'cache file not trusted; not acted on'));
  if (cached.length === 0) {
    ctx.logger.debug({ sandboxId }, 'no record and no cache for the sandbox; nothing to tear down');
    return [];
  }
  const errors: CniError[] = [];
  for (const attachment of cached.reverse()) {
    try {
      // A cache file is trusted no more than a request: names are checked before anything runs.
      validateInterfaceName(attachment.ifName);
      validateNetworkName(attachment.network);
      await validateSandboxNetns(attachment.netns ?? '', sandboxId);
      await delNetworkList(ctx.cleanup, parseNetworkConfigList(attachment.configText, { file: attachment.file }), {
        containerId: sandboxId,
        netns: attachment.netns ?? '',
        ifName: attachment.ifName,
        args: attachment.cniArgs,
        capabilityArgs: attachment.capabilityArgs,
      });
    } catch (error) {
      errors.push(
        new CniError('POD_TEARDOWN_FAILED', `DEL of cached network "${attachment.network}" (interface ${attachment.ifName}) failed: ${messageOf(error)}`, {
          network: attachment.network,
          ifName: attachment.ifName,
          containerId: sandboxId,
        }, { cause: error }),
      );
    }
  }
  return errors;
}
