import { defineConfig } from 'vitest/config';

// End-to-end: Orthanc, the viewer and headless Chromium, one file at a time, scenarios in order.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
