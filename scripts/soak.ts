/**
 * `npm run soak -- --cycles N --seed S`: the crash soak with Debian's plugins in real namespaces
 * (root). Prints one line per cycle and a summary; exits 1 when anything was lost or leaked.
 */
import { parseArgs } from 'node:util';
import { runCrashSoak } from '../test/support/crash-soak.ts';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '100' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'max-run': { type: 'string', default: '1200' },
  },
});
const cycles = Number(values.cycles);
const seed = Number(values.seed);
if (!Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run soak -- [--cycles N] [--seed S] [--max-run MS]\n');
  process.exit(2);
}
const started = Date.now();
// Ctrl-C stops after the cycle in flight and still tears everything down.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
const report = await runCrashSoak({ cycles, seed, maxRunMs: Number(values['max-run']), signal: stop.signal, log: (line) => process.stdout.write(`${line}\n`) });
const { problems, ...figures } = report;
process.stdout.write(`${JSON.stringify({ ...figures, problems: problems.length, seconds: Math.round((Date.now() - started) / 1000) })}\n`);
for (const problem of problems) process.stdout.write(`PROBLEM ${problem}\n`);
process.exit(problems.length ? 1 : 0);
