/**
 * `multinet cnitool` sends every plugin what libcni 1.1.2 sends it: the same stdin bytes, the
 * same CNI_* environment, in the same order, and prints the same result. Each scenario in
 * test/fixtures/parity was run through libcni (bench/parity-capture.sh, the Go harness's cnitool
 * mode) with the recorder plugin; the capture is committed, so this test needs no Go.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMultinet } from './support/cli.ts';

const PARITY_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'parity');

interface Exec {
  readonly env: Record<string, string>;
  readonly stdinBase64: string;
}
interface CapturedStep {
  readonly verb: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly execs: readonly Exec[];
}
interface Scenario {
  readonly network: string;
  readonly steps: readonly { readonly verb: string; readonly env?: Record<string, string> }[];
}

const scenarioNames = (await readdir(PARITY_DIR)).filter((name) => /^\d/.test(name)).sort();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-parity-'));
  await mkdir(join(dir, 'bin'));
  await copyFile(join(PARITY_DIR, 'plugins', 'recorder'), join(dir, 'bin', 'recorder'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function replay(name: string): Promise<{ captured: CapturedStep[]; replayed: CapturedStep[] }> {
  const scenario = JSON.parse(await readFile(join(PARITY_DIR, name, 'scenario.json'), 'utf8')) as Scenario;
  const capture = JSON.parse(await readFile(join(PARITY_DIR, name, 'captured.json'), 'utf8')) as { netns: string; steps: CapturedStep[] };
  const replayed: CapturedStep[] = [];
  for (const step of scenario.steps) {
    const log = join(dir, 'record.log');
    await writeFile(log, '');
    const env = { NETCONFPATH: join(PARITY_DIR, name, 'net.d'), CNI_PATH: join(dir, 'bin'), RECORD_LOG: log, ...step.env };
    const run = await runMultinet(['cnitool', '--cache-dir', join(dir, 'cache'), step.verb, scenario.network, capture.netns], env);
    const execs = (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Exec)
      .map((exec) => ({ env: { ...exec.env, CNI_PATH: exec.env['CNI_PATH'] === join(dir, 'bin') ? '<CNI_PATH>' : String(exec.env['CNI_PATH']) }, stdinBase64: exec.stdinBase64 }));
    replayed.push({ verb: step.verb, exitCode: run.code, stdout: run.stdout, execs });
  }
  const captured = capture.steps.map((s) => ({ verb: s.verb, exitCode: s.exitCode, stdout: s.stdout, execs: s.execs.map((e) => ({ env: e.env, stdinBase64: e.stdinBase64 })) }));
  return { captured, replayed };
}

const decode = (steps: readonly CapturedStep[]) => steps.map((s) => ({ ...s, execs: s.execs.map((e) => ({ env: e.env, stdin: Buffer.from(e.stdinBase64, 'base64').toString('utf8') })) }));

describe('multinet cnitool against captured libcni 1.1.2 traffic', () => {
  it('has scenarios to replay', () => {
    expect(scenarioNames.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of scenarioNames) {
    it(`sends each plugin libcni's exact stdin bytes and CNI_* env in libcni's order, and exits and prints as cnitool: ${name}`, async () => {
      const { captured, replayed } = await replay(name);
      // Decoded first so that a failure shows a readable diff; the bytes are compared after.
      expect(decode(replayed)).toEqual(decode(captured));
      expect(replayed).toEqual(captured);
    });
  }
});
