import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

// promtool's unit tests and amtool are real processes; the whole rule suite takes ~10 s of CPU.
export default libraryTestConfig({
  testTimeout: 120_000,
});
