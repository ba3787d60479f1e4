import { defineConfig } from 'vitest/config';

// The integration specs start their own PostgreSQL + PostGIS and s3rver (src/testing/services.ts):
// one file at a time, they share two cores.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    exclude: ['src/**/*.e2e.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
