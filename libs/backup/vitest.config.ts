import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

// The integration specs start their own PostgreSQL + PostGIS and s3rver (src/testing/services.ts):
// one file at a time, they share two cores.
export default libraryTestConfig({
  testTimeout: 120_000,
  hookTimeout: 120_000,
  fileParallelism: false,
});
