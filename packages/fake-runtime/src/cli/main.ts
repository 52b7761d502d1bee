/**
 * The `multinet` command line: `cnitool`, `run`, `demo`.
 */
import type { CommandIo } from './run-command.ts';

const STDIO: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Usage text printed by `multinet --help`. */
export const USAGE = `usage: multinet <command> [options]

commands:
  cnitool add|check|del|gc|status <net> <netns>   run a network like the CNI project's cnitool
  run --manifests <dir|file> ...                  the fake runtime's sync loop
  demo [--real]                                   the main job on embedded fixtures
`;

/**
 * Runs the CLI with the given arguments; resolves to the process exit status.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  const rest = argv.slice(1);
  switch (command) {
    // Each command loads only what it needs: cnitool starts without the runtime.
    case 'cnitool': {
      const { runCnitool } = await import('@multinet/cni-driver');
      return runCnitool(rest, { env: process.env, stdout: STDIO.stdout, stderr: STDIO.stderr });
    }
    case 'run': {
      const { runRunCommand } = await import('./run-command.ts');
      return runRunCommand(rest, STDIO);
    }
    case 'demo': {
      const { runDemoCommand } = await import('./demo-command.ts');
      return runDemoCommand(rest, STDIO);
    }
    default:
      process.stderr.write(USAGE);
      return command === undefined || command === '--help' || command === '-h' ? 0 : 1;
  }
}
