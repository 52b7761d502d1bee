/**
 * Steering and reading the fixture noop plugin (packages/fake-runtime/fixtures/plugins/noop).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the fixture plugins, shipped in packages/fake-runtime/fixtures/plugins. */
export const FIXTURE_PLUGIN_DIR = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'packages', 'fake-runtime', 'fixtures', 'plugins');

/** Absolute path of the fixtures dir (packages/fake-runtime/fixtures: plugins and demo). */
export const FIXTURES_DIR = dirname(FIXTURE_PLUGIN_DIR);

/** How the noop answers one command. */
export interface NoopBehaviour {
  result?: unknown;
  stdout?: string;
  errorCode?: number;
  errorMsg?: string;
  errorDetails?: string;
  exitCode?: number;
  stderr?: string;
  sleepMs?: number;
  spawnChild?: boolean;
  /** Fork a setsid daemon that keeps the plugin's stdout and stderr open. */
  daemon?: boolean;
  /** With `stdout`: kill itself with this signal right after printing. */
  signal?: string;
  /** Print this many bytes of `x` on stdout, then exit 0. */
  outputBytes?: number;
}

/** The noop's control file. */
export type NoopControl = { supportedVersions?: string[] } & { [command: string]: NoopBehaviour | string[] | undefined };

/** Writes the control (debug) file. */
export async function writeNoopControl(file: string, control: NoopControl): Promise<void> {
  await writeFile(file, JSON.stringify(control));
}

/** One call the noop received. */
export interface NoopLogEntry {
  command: string;
  env: Record<string, string>;
  stdin: string;
  pid: number;
  childPid?: number;
  daemonPid?: number;
}

/** The calls the noop logged next to `file` (`<file>.log`), in order; [] when none. */
export async function readNoopLog(file: string): Promise<NoopLogEntry[]> {
  const text = await readFile(`${file}.log`, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as NoopLogEntry);
}
