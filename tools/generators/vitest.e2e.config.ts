import { defineConfig } from 'vitest/config';

// End-to-end tests of the executors against the real Docker engine, registry, PostGIS and nginx that
// tools/scripts/docker-harness.sh and the backend's devtools start. One file at a time: they share
// the engine and two cores.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.spec.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
