/**
 * `multinet` behaves like a Unix tool: help on stdout with exit 0, usage mistakes on stderr with
 * exit 2, a missing dir as one line naming it, failures as one line (the stack only with --debug).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMultinet } from './support/cli.ts';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';

const multinet = runMultinet;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-cli-usage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('multinet help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('prints the top-level usage on stdout and exits 0 for `multinet %s`', async (flag) => {
    const result = await multinet([flag]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: multinet /);
    expect(result.stdout).toContain('cnitool');
  });

  it.each([
    [['run', '--help'], /^usage: multinet run /],
    [['run', '-h'], /^usage: multinet run /],
    [['demo', '--help'], /^usage: multinet demo /],
    [['help', 'demo'], /^usage: multinet demo /],
    [['cnitool', '--help'], /^cnitool: Add, check, remove, gc or status/],
    [['cnitool', '-h'], /^cnitool: Add, check, remove, gc or status/],
  ])('prints the command usage on stdout and exits 0 for `multinet %j`', async (args, usage) => {
    const result = await multinet(args);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(usage);
  });

  it('prints the package version for --version and -V', async () => {
    const { version } = JSON.parse(await readFile(join(FIXTURES_DIR, '..', 'package.json'), 'utf8')) as { version: string };
    expect(await multinet(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await multinet(['-V'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('multinet usage mistakes', () => {
  it.each([
    [[], 'missing command'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['--frobnicate'], "unknown option '--frobnicate'"],
    [['help', 'frobnicate'], "unknown command 'frobnicate'"],
  ])('prints the usage on stderr and exits 2 for `multinet %j`', async (args, message) => {
    const result = await multinet(args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(`multinet: ${message}\nusage: multinet `);
  });

  it.each([
    [['run', '--manifests', '/tmp', '--frobnicate'], /^multinet run: Unknown option '--frobnicate'.*\nusage: multinet run /],
    [['demo', '--frobnicate'], /^multinet demo: Unknown option '--frobnicate'.*\nusage: multinet demo /],
  ])('prints the command usage on stderr and exits 2 for an unknown flag: %j', async (args, expected) => {
    const result = await multinet(args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(expected);
  });

  it('names a --manifests path that does not exist in one line and exits 2', async () => {
    const missing = join(dir, 'no-manifests');
    const result = await multinet(['run', '--once', '--manifests', missing, '--conf-dir', dir]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `multinet run: --manifests ${missing} does not exist\n` });
  });

  it('names a --conf-dir that does not exist in one line and exits 2', async () => {
    const missing = join(dir, 'no-net.d');
    const result = await multinet(['run', '--once', '--manifests', join(FIXTURES_DIR, 'demo', 'manifests'), '--conf-dir', missing]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `multinet run: --conf-dir ${missing} does not exist\n` });
  });
});

describe('multinet failures', () => {
  // TMPDIR is a file: the demo cannot make its work dir. (TSX_DISABLE_CACHE keeps tsx, which runs
  // the sources in a checkout, from needing TMPDIR too.)
  const broken = { TMPDIR: '/dev/null', TSX_DISABLE_CACHE: '1' };

  it('reports a demo failure as one line with no stack trace', async () => {
    const result = await multinet(['demo'], broken);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^multinet demo: ENOTDIR: not a directory, mkdtemp '\/dev\/null\/multinet-demo-.*' \(run with --debug for details\)$/),
    ]);
  });

  it('prints the stack of a demo failure with --debug', async () => {
    const result = await multinet(['--debug', 'demo'], broken);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^multinet demo: Error: ENOTDIR[^\n]*\n\s+at /);
  });

  it('reports a runtime that cannot start as one line and exits 1', async () => {
    const result = await multinet([
      'run', '--once', '--netns', 'fake', '--manifests', join(FIXTURES_DIR, 'demo', 'manifests'), '--conf-dir', join(FIXTURES_DIR, 'demo', 'net.d'),
      '--bin-dir', FIXTURE_PLUGIN_DIR, '--state-dir', '/dev/null/state',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^multinet run: cannot start the runtime: .*\/dev\/null\/state/)]);
  });
});
