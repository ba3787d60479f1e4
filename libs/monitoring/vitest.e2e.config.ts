import { defineConfig } from 'vitest/config';

// Each delivery run waits for DatabaseDown's `for: 1m` and the resolved notification after it.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.spec.ts'],
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 180_000,
  },
});
