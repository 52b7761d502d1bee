/**
 * A short seeded crash soak (see test/support/crash-soak.ts; `npm run soak` runs any number of
 * cycles): SIGKILL of `multinet run` at random moments never loses or leaks an attachment.
 */
import { describe, expect, it } from 'vitest';
import { runCrashSoak } from './support/crash-soak.ts';
import { hasRealParts } from './support/real-parts.ts';

describe.runIf(hasRealParts())('multinet run killed at random moments', () => {
  it('converges after every kill: wanted pods fully up, host-local holding exactly their addresses, and nothing left at the end', async () => {
    const report = await runCrashSoak({ cycles: 4, seed: 20261202, subnets: ['10.250.232.0/24', '10.250.233.0/24'] });
    expect(report.problems).toEqual([]);
    expect(report.survivors).toBe(0);
    expect(report.podsUp).toBe(report.podsWanted);
    expect(report.killsAlone).toBe(2);
    expect(report.killsGroup).toBe(2);
  }, 240_000);
});
