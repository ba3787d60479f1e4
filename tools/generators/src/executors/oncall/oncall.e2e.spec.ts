import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, describe, expect, it } from 'vitest';
import { nx } from '../../e2e-support.ts';

// The real `nx run runbooks:oncall`: target, executor registration and options through Nx itself.
const dir = mkdtempSync(join(tmpdir(), 'satvach-oncall-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nx run runbooks:oncall', () => {
  it('prints who is on call at --at and next, and writes a calendar ical.js reads back', async () => {
    const ics = join(dir, 'oncall.ics');
    const { exitCode, output } = await nx(['run', 'runbooks:oncall', '--at=2026-12-25T12:00:00Z', '--weeks=3', `--ics=${ics}`]);
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/now\s+Linus Example \(@linus, \+12025550103\)\s+Ada Example\s+2026-12-24 09:00 Europe\/Berlin\s+2026-12-27 09:00 Europe\/Berlin\s+overrides\[0\]/);
    expect(output).toMatch(/next\s+Margaret Example/);
    const events = new ICAL.Component(ICAL.parse(readFileSync(ics, 'utf8'))).getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent).summary);
    expect(events[0]).toBe('On call: Linus Example (secondary Ada Example)');
    expect(events.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses an --at without an offset, naming it', async () => {
    const { exitCode, output } = await nx(['run', 'runbooks:oncall', '--at=2026-12-25T12:00']);
    expect(exitCode).not.toBe(0);
    expect(output).toContain('--at="2026-12-25T12:00" is not an ISO 8601 time with its offset');
  });
});
