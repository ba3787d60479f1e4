import { describe, expect, it } from 'vitest';
import { THRESHOLDS } from '@satvach/diagnose';
import { DIAGNOSE_DEFAULTS } from './executor.ts';

// The schema/registration contract is checked for every executor by contract.spec.ts; the run itself
// by drills.e2e.spec.ts against the real stack.
describe('diagnose executor', () => {
  it('defaults to the alert rules\' thresholds and the stack:up project and env', () => {
    expect(DIAGNOSE_DEFAULTS).toEqual({ envFile: 'docker/.env', projectName: 'satvach', maxDiskUsedPercent: 80, maxCpuBusyPercent: 90, maxBackupAgeHours: 26 });
    expect(DIAGNOSE_DEFAULTS.maxDiskUsedPercent).toBe(THRESHOLDS.diskUsedPercent);
  });
});
