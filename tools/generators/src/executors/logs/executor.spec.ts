import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT } from '@satvach/logs';
import { expectExecutorContract } from '../executor-testing.ts';
import { LOGS_DEFAULTS } from './executor.ts';

describe('logs executor', () => {
  it('keeps its contract: schema defaults equal the code, every option described, registered', () => {
    expectExecutorContract('logs', LOGS_DEFAULTS);
    expect(LOGS_DEFAULTS.limit).toBe(DEFAULT_LIMIT);
  });
});
