/**
 * The table `multinet demo` prints: pod, interface, network, IPs, and which is the default.
 */
import type { InMemoryApi } from '../api/in-memory-api.ts';

/** Formats every pod's attachments (or its error) as an aligned text table. Pure over the API state. */
export function formatStatusTable(api: InMemoryApi): string {
  const rows: string[][] = [['POD', 'INTERFACE', 'NETWORK', 'IPS', 'DEFAULT']];
  for (const pod of api.listPods()) {
    const ref = `${pod.namespace}/${pod.name}`;
    const status = api.getPodStatus(ref);
    if (!status || status.error) {
      rows.push([ref, '-', '-', status?.error ? `error ${status.error.code}` : 'not set up', '-']);
      continue;
    }
    for (const network of status.networks) {
      rows.push([ref, network.interface, network.name, network.ips.join(',') || '-', network.default ? 'yes' : '']);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}
