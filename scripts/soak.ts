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
    // Two /24 for bridge and ptp, inside 10.250.0.0/16: soaks run side by side each take their own.
    subnets: { type: 'string', default: '10.250.230.0/24,10.250.231.0/24' },
  },
});
const cycles = Number(values.cycles);
const seed = Number(values.seed);
const subnets = values.subnets.split(',');
const isOurs = (subnet: string) => /^10\.250\.(\d{1,3})\.0\/24$/.test(subnet) && Number(subnet.split('.')[2]) <= 255;
if (!Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed) || subnets.length !== 2 || !subnets.every(isOurs)) {
  process.stderr.write('usage: npm run soak -- [--cycles N] [--seed S] [--max-run MS] [--subnets 10.250.A.0/24,10.250.B.0/24]\n');
  process.exit(2);
}
const started = Date.now();
// Ctrl-C stops after the cycle in flight and still tears everything down.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
const report = await runCrashSoak({ cycles, seed, maxRunMs: Number(values['max-run']), subnets: [subnets[0]!, subnets[1]!], signal: stop.signal, log: (line) => process.stdout.write(`${line}\n`) });
const { problems, ...figures } = report;
process.stdout.write(`${JSON.stringify({ ...figures, problems: problems.length, seconds: Math.round((Date.now() - started) / 1000) })}\n`);
for (const problem of problems) process.stdout.write(`PROBLEM ${problem}\n`);
process.exit(problems.length ? 1 : 0);
