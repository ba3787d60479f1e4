import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

// The probe tests start a real PostgreSQL + PostGIS and s3rver (seconds, not ms).
export default libraryTestConfig({
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
