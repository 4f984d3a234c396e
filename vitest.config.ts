import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/sim/**/*.test.ts', 'tests/e2e/**/*.spec.ts'],
    // A throwaway Postgres cluster for the tests that run on it (the ServerStore contract, replicas).
    globalSetup: ['tests/support/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // e2e and integration tests start their own servers on free ports; two cores.
    fileParallelism: true,
    maxWorkers: 2,
    // expect.poll waits for what a till shows eventually (a bootstrap, a sync, a liveQuery); with the
    // simulation running beside the browser tests on two cores, a second was too short to see it.
    expect: { poll: { timeout: 10_000 } },
  },
});
