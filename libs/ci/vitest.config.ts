import { defineConfig } from 'vitest/config';

// The git-history, actionlint and Renovate tests start real processes (git, nx, actionlint,
// renovate) in throwaway copies of the workspace; they get minutes, not seconds.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
