import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

// The git-history, actionlint and Renovate tests start real processes (git, nx, actionlint,
// renovate) in throwaway copies of the workspace; they get minutes, not seconds.
export default libraryTestConfig({
  testTimeout: 180_000,
  hookTimeout: 180_000,
});
