/**
 * A CNI plugin whose ADD hangs and will not die politely: it and a child it forks ignore SIGTERM
 * and sleep for ten minutes, after appending both pids to `hang.pids` next to the plugin. Other
 * verbs succeed at once (VERSION answers every version). Written per test into its own bin dir.
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { isRunning } from './processes.ts';
import { join } from 'node:path';

const HANG_PLUGIN = `#!/usr/bin/perl
use strict;
use warnings;
use File::Basename qw(dirname);
my $command = $ENV{CNI_COMMAND} // '';
if ($command eq 'VERSION') {
    print '{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}';
    exit 0;
}
exit 0 unless $command eq 'ADD';
$SIG{TERM} = 'IGNORE';
my $child = fork();
my $pids = dirname($0) . '/hang.pids';
open(my $fh, '>>', $pids) or die "cannot open $pids: $!";
print $fh ($child ? "$$\\n$child\\n" : '');
close($fh);
select(undef, undef, undef, 600);
exit 0;
`;

/** Writes the plugin as `<binDir>/hang`. */
export async function writeHangPlugin(binDir: string): Promise<void> {
  await writeFile(join(binDir, 'hang'), HANG_PLUGIN);
  await chmod(join(binDir, 'hang'), 0o755);
}

/** The pids the plugin wrote (plugin, child; per ADD), in order. */
export async function readHangPids(binDir: string): Promise<number[]> {
  const text = await readFile(join(binDir, 'hang.pids'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}


/** Kills, by exact pid, whatever the plugin recorded that still runs (cleanup after a failed test). */
export async function killHangProcesses(binDir: string): Promise<void> {
  for (const pid of await readHangPids(binDir)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
}
