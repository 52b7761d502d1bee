/**
 * Is a recorded attachment still what the record says? Asked once per sandbox after a driver
 * starts, before the sandbox is reported ready: CNI CHECK where the version allows it, otherwise
 * the interface and its addresses as the namespace shows them.
 */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import {
  convertResult,
  isCniVersionAtLeast,
  listResultIps,
  parseNetworkConfigList,
  parseResult,
  type CniResult,
} from '@multinet/cni-types';
import type { ChainContext } from '../chain/chain-context.ts';
import { checkNetworkList } from '../chain/check-network-list.ts';
import type { AttachmentRecord, PodRecord } from './sandbox-record.ts';

const NSFS_MAGIC = 0x6e736673;

/** True when `path` is a network namespace (an nsfs file), not a fake path or a missing one. */
async function isNamespaceFile(path: string): Promise<boolean> {
  try {
    return (await statfs(path)).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}

/** The addresses (without prefix) on `ifName` inside the namespace, or undefined when it has no such link. */
function readInterfaceAddresses(netns: string, ifName: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=${netns}`, 'ip', '-j', 'addr', 'show', 'dev', ifName], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const links = JSON.parse(stdout) as Array<{ addr_info?: Array<{ local?: string }> }>;
        resolve(links[0] ? (links[0].addr_info ?? []).flatMap((a) => (a.local ? [a.local] : [])) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

function recordedResult(attachment: AttachmentRecord): CniResult | undefined {
  if (!attachment.result) return undefined;
  try {
    return convertResult(parseResult(attachment.result, { cniVersion: attachment.cniVersion }), attachment.cniVersion);
  } catch {
    return undefined;
  }
}

/**
 * Why the attachment is broken, or `undefined` when it checks out (or cannot be checked: a fake
 * namespace with a pre-0.4.0 config, or loopback, which every namespace has).
 */
export async function findAttachmentFault(ctx: ChainContext, record: PodRecord, attachment: AttachmentRecord): Promise<string | undefined> {
  if (attachment.source === 'loopback') return undefined;
  const isNamespace = await isNamespaceFile(record.netns);
  if (!isNamespace && /^\/(var\/)?run\/netns\//.test(record.netns)) {
    return `the sandbox's namespace ${record.netns} is gone`;
  }
  const list = parseNetworkConfigList(attachment.configText);
  const result = recordedResult(attachment);
  if (isCniVersionAtLeast(list.cniVersion, '0.4.0') && !list.disableCheck) {
    try {
      await checkNetworkList(
        ctx,
        list,
        { containerId: record.sandboxId, netns: record.netns, ifName: attachment.ifName, args: attachment.cniArgs, capabilityArgs: attachment.capabilityArgs },
        { prevResult: result },
      );
      return undefined;
    } catch (error) {
      const failed = `CHECK failed: ${error instanceof Error ? error.message : String(error)}`;
      // CHECK is stricter than "the attachment works": Debian's bridge fails it once the bridge's
      // MAC moved because other ports came or went. In a real namespace the interface and its
      // addresses decide; only a missing interface or address is a broken attachment.
      if (!isNamespace) return failed;
      const fault = await findInterfaceFault(record.netns, attachment.ifName, result);
      return fault === undefined ? undefined : `${failed}; ${fault}`;
    }
  }
  if (!isNamespace) return undefined;
  return findInterfaceFault(record.netns, attachment.ifName, result);
}

/** Why the interface in the namespace is not what the result says, or `undefined`. */
async function findInterfaceFault(netns: string, ifName: string, result: CniResult | undefined): Promise<string | undefined> {
  const addresses = await readInterfaceAddresses(netns, ifName);
  if (addresses === undefined) return `interface ${ifName} is missing from ${netns}`;
  const expected = result ? listResultIps(result).map((ip) => ip.address.split('/')[0]!) : [];
  const missing = expected.filter((ip) => !addresses.includes(ip));
  return missing.length ? `interface ${ifName} lacks ${missing.join(', ')}` : undefined;
}
