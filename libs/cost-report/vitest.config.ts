import { defineConfig } from 'vitest/config';

// The report tests backfill two months into a real Prometheus (promtool) and start it: seconds, not ms.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
