import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// The test set of `npm run mutate` (stryker.config.json sets `related: false`: Stryker would
// otherwise run only the tests vitest finds importing a mutated file, which misses every test
// that reaches the code through a package name): every unit test next to the code, plus the driver tests
// under test/ that run in this process (so Stryker's per-test coverage sees them) and touch no
// real network namespace (a mutant that breaks teardown must not leak a namespace or a link).
// Tests that run the CLI as a child process or need real plugins in real namespaces stay in
// `npm test` only: coverage cannot see into a child process, and real namespaces are not for
// thousands of deliberately broken builds.
const DRIVER_TESTS = [
  'capability-args',
  'catalog-rewrite',
  'cnitool-parity',
  'default-route-fake',
  'driver-bad-requests',
  'driver-hostile-state',
  'fake-runtime',
  'fake-runtime-churn',
  'fake-runtime-faults',
  'fake-runtime-hostile-manifests',
  'fake-runtime-pod-status-errors',
  'fake-runtime-waitfor',
  'fuzz-inputs',
  'plugin-faults',
  'pod-driver',
  'pod-reconcile',
  'pod-write-ahead',
].map((name) => `test/${name}.test.ts`);

// Stryker runs the tests in a sandbox copy of the repo whose node_modules is a link to the real
// one, and there `@multinet/<pkg>` leads back to the real, unmutated sources: without this alias
// only tests importing by relative path would ever meet a mutant. The packages' own imports of
// each other go through it too.
const here = fileURLToPath(new URL('.', import.meta.url));
const PACKAGE_ALIAS = { find: /^@multinet\/(cni-types|checkpoint|cni-driver|fake-runtime)$/, replacement: `${here}packages/$1/src/index.ts` };

/**
 * Test files in the order that kills a mutant soonest. Stryker runs a mutant's covering tests with
 * `bail: 1`, so the first failing file ends the run; vitest's own order puts the slowest files
 * first (to fill parallel workers, of which Stryker uses one). Here: the unit tests next to the
 * code before the driver tests under test/, and within each the fastest first (durations from
 * the dry run; unknown ones by size, smallest first).
 */
class FastestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const cost = (spec: TestSpecification): [number, number] => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      const tier = relative(this.ctx.config.root, spec.moduleId).startsWith('packages') ? 0 : 1;
      const duration = cache.getFileTestResults(key)?.duration ?? cache.getFileStats(key)?.size ?? Number.MAX_SAFE_INTEGER;
      return [tier, duration];
    };
    return [...files].sort((a, b) => {
      const [tierA, costA] = cost(a);
      const [tierB, costB] = cost(b);
      return tierA - tierB || costA - costB;
    });
  }
}

export default defineConfig({
  resolve: { conditions: ['@multinet/source'], alias: [PACKAGE_ALIAS] },
  ssr: { resolve: { conditions: ['@multinet/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', ...DRIVER_TESTS],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    sequence: { sequencer: FastestFirstSequencer },
    typecheck: { enabled: false },
  },
});
