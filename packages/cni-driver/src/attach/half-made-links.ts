/**
 * What an interrupted ADD can leave in a sandbox: plugins such as macvlan, ipvlan and vlan make
 * their link under a temporary name (`veth` + 8 hex, libcni's `RandomVethName`) inside the pod's
 * namespace and rename it to the interface name afterwards. Killed in between (timeout, abort,
 * crash), the DEL that follows finds no link of that name, and the temporary one stays. This
 * removes such links — only in a real namespace, never one an attachment is named after.
 */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';

const NSFS_MAGIC = 0x6e736673;
const TEMP_LINK_NAME = /^veth[0-9a-f]{8}$/;

function run(args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('nsenter', [...args], { timeout: 5000 }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}

/**
 * Deletes the links of `netns` that carry a plugin's temporary name and are not in `keep`;
 * returns their names. Never throws: a namespace that cannot be read has nothing removed.
 */
export async function removeHalfMadeLinks(netns: string, keep: ReadonlySet<string>): Promise<string[]> {
  const info = await statfs(netns).catch(() => undefined);
  if (info?.type !== NSFS_MAGIC) return [];
  const listed = await run([`--net=${netns}`, 'ip', '-j', 'link', 'show']);
  if (listed === undefined) return [];
  let names: string[];
  try {
    names = (JSON.parse(listed) as Array<{ ifname?: string }>).flatMap((l) => (l.ifname ? [l.ifname] : []));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => TEMP_LINK_NAME.test(n) && !keep.has(n))) {
    if ((await run([`--net=${netns}`, 'ip', 'link', 'delete', 'dev', name])) !== undefined) removed.push(name);
  }
  return removed;
}
