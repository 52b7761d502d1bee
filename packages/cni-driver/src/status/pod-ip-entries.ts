/**
 * KEP-3698's pod IP entries: every attached network's IPs, at most one per family per network,
 * each with `podNetwork` and `interfaceName`; the pod's default network first. Pure.
 */

/** One `status.podIPs` entry as KEP-3698 proposes it. */
export interface PodIPEntry {
  readonly ip: string;
  /** The network the IP is on (the PodNetwork name for KEP pods, else the network reference). */
  readonly podNetwork: string;
  readonly interfaceName: string;
}

/** Builds the entries from attachment statuses (IPs without prefix). */
export function buildPodIPEntries(networks: ReadonlyArray<{ readonly name: string; readonly interface: string; readonly ips: readonly string[]; readonly default: boolean }>): PodIPEntry[] {
  const ordered = [...networks.filter((n) => n.default), ...networks.filter((n) => !n.default)];
  return ordered.flatMap((n) => {
    const v4 = n.ips.find((ip) => !ip.includes(':'));
    const v6 = n.ips.find((ip) => ip.includes(':'));
    return [v4, v6].flatMap((ip) => (ip ? [{ ip, podNetwork: n.name, interfaceName: n.interface }] : []));
  });
}
