import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

// The integration specs start their own VictoriaLogs on loopback (src/testing/victorialogs.ts):
// one file at a time, they share two cores.
export default libraryTestConfig({
  testTimeout: 60_000,
  hookTimeout: 60_000,
  fileParallelism: false,
});
