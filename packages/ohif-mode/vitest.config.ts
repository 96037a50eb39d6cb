import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The WASM backend holds process-wide state: one file at a time per worker.
    pool: 'forks',
  },
});
