import { defineConfig } from 'vitest/config';

// Unit tests only (next to the code), for scoped mutation runs (`npm run mutate:unit`).
// MULTINET_UNIT_PACKAGES=cni-types,checkpoint narrows the test files to those packages.
const packages = process.env['MULTINET_UNIT_PACKAGES']?.split(',').filter(Boolean) ?? [];
const include =
  packages.length > 0
    ? packages.map((name) => `packages/${name}/src/**/*.test.ts`)
    : ['packages/*/src/**/*.test.ts'];

export default defineConfig({
  resolve: { conditions: ['@multinet/source'] },
  ssr: { resolve: { conditions: ['@multinet/source'] } },
  test: {
    include,
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    typecheck: { enabled: false },
  },
});
