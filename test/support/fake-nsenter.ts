/**
 * A fake `nsenter` first on PATH, for unit tests of code that runs `nsenter --net=<netns> ip …`:
 * it records each call's arguments and answers from files (`answer`, `refuse`); nothing enters a
 * namespace. Tests pass {@link NOT_A_NETNS} as the namespace: a real namespace file (so code that
 * checks for one goes on) that is no network namespace (so a real `nsenter --net=` would fail).
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A namespace file that is not a network namespace. */
export const NOT_A_NETNS = '/proc/self/ns/uts';

const SCRIPT = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_NSENTER_DIR/calls"
shift
key=$(printf '%s' "$*" | tr -c 'A-Za-z0-9.-' '_')
if [ -f "$FAKE_NSENTER_DIR/$key.err" ]; then cat "$FAKE_NSENTER_DIR/$key.err" >&2; exit 1; fi
if [ -f "$FAKE_NSENTER_DIR/$key.out" ]; then cat "$FAKE_NSENTER_DIR/$key.out"; fi
exit 0
`;

/** An installed fake `nsenter`. */
export interface FakeNsenter {
  /** Makes the command `args` (after `--net=…`) print `out` and succeed. */
  answer(args: readonly string[], out: string): Promise<void>;
  /** Makes the command `args` print `err` on stderr and fail. */
  refuse(args: readonly string[], err: string): Promise<void>;
  /** Takes back a `refuse`. */
  unrefuse(args: readonly string[]): Promise<void>;
  /** Every call so far, its arguments joined by spaces. */
  calls(): Promise<string[]>;
  /** Takes it off PATH again. */
  uninstall(): void;
}

const keyOf = (args: readonly string[]): string => args.join(' ').replace(/[^A-Za-z0-9.-]/g, '_');

/** Writes the fake into `dir` (the caller's temp dir) and puts it first on PATH. */
export async function installFakeNsenter(dir: string): Promise<FakeNsenter> {
  await writeFile(join(dir, 'nsenter'), SCRIPT);
  await chmod(join(dir, 'nsenter'), 0o755);
  const savedPath = process.env['PATH'];
  process.env['PATH'] = `${dir}:${savedPath ?? ''}`;
  process.env['FAKE_NSENTER_DIR'] = dir;
  return {
    answer: (args, out) => writeFile(join(dir, `${keyOf(args)}.out`), out),
    refuse: (args, err) => writeFile(join(dir, `${keyOf(args)}.err`), err),
    unrefuse: (args) => rm(join(dir, `${keyOf(args)}.err`), { force: true }),
    calls: async () => (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    uninstall() {
      process.env['PATH'] = savedPath;
      delete process.env['FAKE_NSENTER_DIR'];
    },
  };
}
