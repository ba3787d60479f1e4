import { defineConfig } from 'vitest/config';

// One throwaway container per image; a cold image start takes a few seconds on a busy machine.
export default defineConfig({
  test: { include: ['src/**/*.e2e.spec.ts'], environment: 'node', testTimeout: 120_000 },
});
