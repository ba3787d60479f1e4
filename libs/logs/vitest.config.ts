import { defineConfig } from 'vitest/config';

// The integration specs start their own VictoriaLogs on loopback (src/testing/victorialogs.ts):
// one file at a time, they share two cores.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
