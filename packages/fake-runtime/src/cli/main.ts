/**
 * The `multinet` command line: `cnitool`, `run`, `demo`, `inspect`. It behaves like a Unix tool: help on
 * stdout with exit 0, usage mistakes on stderr with exit 2, failures as one line with exit 1
 * (the stack only with `--debug`).
 */
import type { CommandIo } from './run-command.ts';
import { readPackageVersion } from '../internal/package-root.ts';
import { formatCommandError } from './command-error.ts';

const STDIO: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Usage text printed by `multinet --help`. */
export const USAGE = `usage: multinet [--debug] <command> [options]
       multinet --help | --version

commands:
  cnitool add|check|del|gc|status <net> <netns>   run a network like the CNI project's cnitool
  run --manifests <dir|file> ...                  the fake runtime's sync loop
  plan --manifests <dir|file> --conf-dir <dir>    dry run: formats, attachments, exact plugin configs
  demo [--real]                                   the main job on embedded fixtures
  inspect --state-dir <dir> [--json]              sandboxes, attachments, pending DELs of a state dir

options:
  -h, --help      show this help (also: multinet <command> --help)
  -V, --version   print the version
  --debug         print stack traces of failures

exit status: 0 success, 1 failure, 2 usage error
`;

const COMMANDS = ['cnitool', 'run', 'plan', 'demo', 'inspect'] as const;

function usageError(io: CommandIo, message: string): number {
  io.stderr(`multinet: ${message}\n${USAGE}`);
  return 2;
}

/**
 * Runs the CLI with the given arguments; resolves to the process exit status.
 */
export async function main(argv: readonly string[], io: CommandIo = STDIO): Promise<number> {
  let debug = false;
  let index = 0;
  for (; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === '--help' || word === '-h') {
      io.stdout(USAGE);
      return 0;
    }
    if (word === '--version' || word === '-V') {
      io.stdout(`${readPackageVersion()}\n`);
      return 0;
    }
    if (word === '--debug') debug = true;
    else if (word.startsWith('-')) return usageError(io, `unknown option '${word}'`);
    else break;
  }
  const command = argv[index];
  const rest = argv.slice(index + 1);
  if (command === undefined) return usageError(io, 'missing command');
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      io.stdout(USAGE);
      return 0;
    }
    if (!(COMMANDS as readonly string[]).includes(topic)) return usageError(io, `unknown command '${topic}'`);
    return main([topic, '--help'], io);
  }
  try {
    switch (command) {
      // Each command loads only what it needs: cnitool starts without the runtime.
      case 'cnitool': {
        const { runCnitool, CNITOOL_USAGE } = await import('@multinet/cni-driver');
        // cnitool has no help flag; as a multinet subcommand `--help` alone shows its usage on
        // stdout. Everything else (usage on stderr, exit 1, unknown verbs exit 0) is cnitool's.
        if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
          io.stdout(CNITOOL_USAGE);
          return 0;
        }
        return await runCnitool(rest, { env: process.env, stdout: io.stdout, stderr: io.stderr });
      }
      case 'run': {
        const { runRunCommand } = await import('./run-command.ts');
        return await runRunCommand(debug ? [...rest, '--debug'] : rest, io);
      }
      case 'plan': {
        const { runPlanCommand } = await import('./plan-command.ts');
        return await runPlanCommand(rest, io);
      }
      case 'demo': {
        const { runDemoCommand } = await import('./demo-command.ts');
        return await runDemoCommand(debug ? [...rest, '--debug'] : rest, io);
      }
      case 'inspect': {
        const { runInspectCommand } = await import('./inspect-command.ts');
        return await runInspectCommand(debug ? [...rest, '--debug'] : rest, io);
      }
      default:
        return usageError(io, `unknown command '${command}'`);
    }
  } catch (error) {
    io.stderr(formatCommandError(`multinet ${command}`, error, debug || rest.includes('--debug')));
    return 1;
  }
}
