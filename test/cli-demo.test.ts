/**
 * `multinet demo` and `multinet run` as a new user runs them.
 */
import { describe, expect, it } from 'vitest';
import { runMultinet } from './support/cli.ts';

const multinet = runMultinet;

describe('multinet demo', () => {
  it('sets up the demo pods, restarts, tears everything down and says so', async () => {
    const { code, stdout, stderr } = await multinet(['demo']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/default\/nginx1\s+storage0\s+default\/storagenet/);
    expect(stdout).toMatch(/default\/nginx1\s+eth2\s+default\/thick-plugin-example/);
    expect(stdout).toContain('3 pods set up (0 failed), runtime restarted, 3 pods torn down, 0 records left');
    expect(stderr).toContain('recovered 3 sandboxes from checkpoints');
  });
});

describe('multinet run', () => {
  it('exits non-zero with the usage when the flags are wrong', async () => {
    const { code, stderr } = await multinet(['run', '--netns', 'maybe', '--manifests', '/tmp']);
    expect(code).toBe(2);
    expect(stderr).toContain('Expected `--netns` to be real, fake or auto');
  });

  it('prints the usage on stderr and exits 2 for an unknown command', async () => {
    const { code, stderr } = await multinet(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: multinet');
  });
});
