import { libraryTestConfig } from '../vitest/library-config.ts';

export default libraryTestConfig({
  testTimeout: 120_000,
});
