/**
 * `multinet inspect`: what an operator asks of a state dir after an incident, read without its
 * lock (a live `multinet run` holds it) and without changing anything.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CommandIo } from './run-command.ts';
import { readStateDir } from './inspect-state.ts';
import { formatInspectionTable } from './inspect-table.ts';
import { formatCommandError } from './command-error.ts';

/** Usage of `multinet inspect`. */
export const INSPECT_USAGE = `usage: multinet inspect --state-dir <dir> [--json] [--debug]

  Shows each sandbox's pod, phase and attachments (network, interface, IPs, state), the DELs
  still owed with their last error and attempts, records a driver would refuse, quarantined
  record files, and the state dir's owner (alive or not). Reads only: no lock, no changes.
  Works on the state dir of \`multinet run\` and on a bare driver's.

  --state-dir <dir>  the state dir to read (default /var/lib/multinet); must exist
  --json             one JSON object instead of the table
  --debug            print stack traces of failures
  -h, --help         show this help
`;

/** Parsed `inspect` flags. */
export interface InspectFlags {
  readonly stateDir: string;
  readonly json: boolean;
  readonly help: boolean;
  readonly debug: boolean;
}

/**
 * Parses the flags of `multinet inspect` (the dir made absolute).
 *
 * @throws {TypeError} on an unknown or malformed flag
 */
export function parseInspectFlags(argv: readonly string[], cwd = process.cwd()): InspectFlags {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'state-dir': { type: 'string', default: '/var/lib/multinet' },
      json: { type: 'boolean', default: false },
      debug: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return { stateDir: resolve(cwd, values['state-dir']), json: values.json, help: values.help, debug: values.debug };
}

/** Runs `multinet inspect`; resolves to the exit status (2 for usage mistakes and a missing dir). */
export async function runInspectCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let flags: InspectFlags;
  try {
    flags = parseInspectFlags(argv);
  } catch (error) {
    io.stderr(`multinet inspect: ${error instanceof Error ? error.message : String(error)}\n${INSPECT_USAGE}`);
    return 2;
  }
  if (flags.help) {
    io.stdout(INSPECT_USAGE);
    return 0;
  }
  try {
    const inspection = await readStateDir(flags.stateDir);
    if (!inspection) {
      io.stderr(`multinet inspect: --state-dir ${flags.stateDir} does not exist or is not a directory\n`);
      return 2;
    }
    io.stdout(flags.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspectionTable(inspection));
    return 0;
  } catch (error) {
    io.stderr(formatCommandError('multinet inspect', error, flags.debug));
    return 1;
  }
}
