import { fileURLToPath } from 'node:url';
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

export default defineConfig({
  resolve: { conditions: ['@multinet/source'], alias: [PACKAGE_ALIAS] },
  ssr: { resolve: { conditions: ['@multinet/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', ...DRIVER_TESTS],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    typecheck: { enabled: false },
  },
});
