/**
 * Reading an interface's MAC inside a sandbox, for results that carry none (0.1.0/0.2.0).
 */
import { execFile } from 'node:child_process';

/**
 * The MAC of `ifName` in the namespace at `netns` (`nsenter --net=<netns> ip -j link show`), or
 * `undefined` when it cannot be read (a fake namespace, no such link). Never throws.
 */
export function readInterfaceMac(netns: string, ifName: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('nsenter', [`--net=${netns}`, 'ip', '-j', 'link', 'show', 'dev', ifName], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const links = JSON.parse(stdout) as Array<{ address?: string }>;
        resolve(links[0]?.address);
      } catch {
        resolve(undefined);
      }
    });
  });
}
