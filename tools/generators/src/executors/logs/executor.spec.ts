import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT } from '@satvach/logs';
import { LOGS_DEFAULTS } from './executor.ts';

// The schema/registration contract is checked for every executor by contract.spec.ts.
describe('logs executor', () => {
  it('defaults to the library\'s line limit, so `stack:logs` and the lib agree', () => {
    expect(LOGS_DEFAULTS.limit).toBe(DEFAULT_LIMIT);
  });
});
