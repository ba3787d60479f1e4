import { libraryTestConfig } from '../../tools/vitest/library-config.ts';

export default libraryTestConfig({});
