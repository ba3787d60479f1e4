import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { afterAll, describe, expect, it, vi } from 'vitest';
import oncallExecutor from './executor.ts';
import { contextFor } from '../executor-testing.ts';

// The schema/registration contract is checked for every executor by contract.spec.ts.
const dir = mkdtempSync(join(tmpdir(), 'satvach-oncall-executor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('oncall executor', () => {
  it('prints now and next from the workspace\'s rotation and writes the calendar', async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      const result = await oncallExecutor({ at: '2026-12-02T10:00:00Z', ics: join(dir, 'oncall.ics'), weeks: 2 }, contextFor('runbooks'));
      expect(result).toEqual({ success: true });
    } finally {
      write.mockRestore();
      info.mockRestore();
    }
    expect(written.join('')).toMatch(/^now\s+Ada Example \(@ada, \+12025550101\)\s+Grace Example\s+2026-11-30 09:00 Europe\/Berlin/m);
    expect(written.join('')).toMatch(/^next\s+Grace Example/m);
    expect(readFileSync(join(dir, 'oncall.ics'), 'utf8')).toContain('SUMMARY:On call: Ada Example (secondary Grace Example)');
  });

  it('fails with one line naming a bad --at', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      expect(await oncallExecutor({ at: 'tomorrow' }, contextFor('runbooks'))).toEqual({ success: false });
      expect(errors.mock.calls.map((call) => String(call[0]))).toEqual(['oncall failed: --at="tomorrow" is not an ISO 8601 time with its offset, such as 2026-12-24T10:00:00Z or 2026-12-24T10:00+01:00']);
    } finally {
      errors.mockRestore();
    }
  });
});
