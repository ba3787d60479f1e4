import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

// The report tests backfill two months into a real Prometheus (promtool) and start it: seconds, not ms.
export default libraryTestConfig({
  testTimeout: 120_000,
  hookTimeout: 180_000,
});
