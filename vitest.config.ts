import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@multinet/source'] },
  ssr: { resolve: { conditions: ['@multinet/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    typecheck: { enabled: false },
  },
});
