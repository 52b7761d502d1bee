/**
 * The text `multinet inspect` prints: the owner, one row per attachment of each sandbox, then
 * the DELs still owed, the records a driver would refuse, and the quarantined files. Pure.
 */
import type { StateDirInspection } from './inspect-state.ts';

function formatColumns(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ');

/** Formats an inspection as aligned text, ending in a newline. Pure. */
export function formatInspectionTable(inspection: StateDirInspection): string {
  const lines: string[] = [];
  const where = inspection.layout === 'runtime' ? ` (runtime; driver state in ${inspection.driverDir})` : ' (driver)';
  lines.push(`state dir: ${inspection.stateDir}${where}`);
  const owner = inspection.owner;
  lines.push(
    owner
      ? `owner:     pid ${owner.pid} on ${owner.hostname || '?'} since ${owner.since || '?'} (${owner.alive ? 'alive' : 'not running'})`
      : 'owner:     none recorded',
  );
  lines.push('');

  if (inspection.sandboxes.length === 0) lines.push('no sandboxes');
  else {
    const rows: string[][] = [['SANDBOX', 'POD', 'PHASE', 'NETWORK', 'INTERFACE', 'STATE', 'IPS']];
    for (const sandbox of inspection.sandboxes) {
      const head = [sandbox.sandboxId.slice(0, 12), `${sandbox.pod.namespace}/${sandbox.pod.name}`, sandbox.phase];
      if (sandbox.attachments.length === 0) rows.push([...head, '-', '-', '-', '-']);
      sandbox.attachments.forEach((a, index) => {
        rows.push([
          ...(index === 0 ? head : ['', '', '']),
          `${a.network}${a.isDefault ? ' (default)' : ''}`,
          a.interface,
          a.state,
          a.ips.join(',') || '-',
        ]);
      });
    }
    lines.push(...formatColumns(rows));
  }

  const pending = inspection.sandboxes.flatMap((s) => s.pendingDeletes.map((a) => ({ sandbox: s, attachment: a })));
  if (pending.length > 0) {
    lines.push('', 'pending DELs:');
    const rows: string[][] = [['SANDBOX', 'POD', 'NETWORK', 'INTERFACE', 'STATE', 'ATTEMPTS', 'LAST ERROR']];
    for (const { sandbox, attachment } of pending) {
      rows.push([
        sandbox.sandboxId.slice(0, 12),
        `${sandbox.pod.namespace}/${sandbox.pod.name}`,
        attachment.network,
        attachment.interface,
        attachment.state,
        String(attachment.delAttempts),
        attachment.error ? oneLine(`${attachment.error.code}: ${attachment.error.message}`) : '-',
      ]);
    }
    lines.push(...formatColumns(rows).map((line) => `  ${line}`));
  }

  if (inspection.unreadable.length > 0) {
    lines.push('', 'unreadable records (a driver quarantines them when it next reads them):');
    for (const bad of inspection.unreadable) lines.push(`  ${bad.file}: ${bad.code}: ${oneLine(bad.reason)}`);
  }

  if (inspection.quarantined.length > 0) {
    lines.push('', 'quarantined record files:');
    for (const file of inspection.quarantined) lines.push(`  ${file.file} (sandbox ${file.key}, ${file.bytes} bytes, ${file.modifiedAt})`);
  }
  return `${lines.join('\n')}\n`;
}
