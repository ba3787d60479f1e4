import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    let written: string;
    try {
      const result = await oncallExecutor({ at: '2026-12-02T10:00:00Z', ics: join(dir, 'oncall.ics'), weeks: 2 }, contextFor('runbooks'));
      expect(result).toEqual({ success: true });
      written = info.mock.calls.map((call) => String(call[0])).join('\n');
    } finally {
      info.mockRestore();
    }
    // One output path: the table and the note both through Nx's logger.
    expect(written).toMatch(/^now\s+Ada Example \(@ada, \+12025550101\)\s+Grace Example\s+2026-11-30 09:00 Europe\/Berlin/m);
    expect(written).toMatch(/^next\s+Grace Example/m);
    expect(written).toMatch(/^wrote .*oncall\.ics: 3 shifts over 2 weeks$/m);
    expect(readFileSync(join(dir, 'oncall.ics'), 'utf8')).toContain('SUMMARY:On call: Ada Example (secondary Grace Example)');
  });

  it('without --rotation, reads the rotation stack:up pages from (SATVACH_ONCALL_ROTATION)', async () => {
    const rotation = join(dir, 'team.yaml');
    writeFileSync(rotation, readFileSync(join(import.meta.dirname, '../../../../../runbooks/oncall/rotation.yaml'), 'utf8').replace('name: Ada Example', 'name: Ada From Env'));
    vi.stubEnv('SATVACH_ONCALL_ROTATION', rotation);
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      expect(await oncallExecutor({ at: '2026-12-02T10:00:00Z' }, contextFor('runbooks'))).toEqual({ success: true });
      expect(info.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/^now\s+Ada From Env/m);
    } finally {
      info.mockRestore();
      vi.unstubAllEnvs();
    }
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
