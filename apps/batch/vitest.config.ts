import { defineConfig } from 'vitest/config';

// The fault tests start Redis, Orthanc and worker processes: one file at a time.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
