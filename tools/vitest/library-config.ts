import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The unit-test config every library shares: its specs under src/ (e2e specs have their own config),
 * in Node. A library passes only what differs, with its reason: longer timeouts where its tests start
 * real servers, one file at a time where they share the two cores.
 */
export function libraryTestConfig(test: NonNullable<ViteUserConfig['test']> = {}) {
  return defineConfig({
    test: { include: ['src/**/*.spec.ts'], exclude: ['src/**/*.e2e.spec.ts'], environment: 'node', ...test },
  });
}
