import { defineConfig } from 'vitest/config';

// promtool's unit tests and amtool are real processes; the whole rule suite takes ~10 s of CPU.
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    exclude: ['src/**/*.e2e.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});
