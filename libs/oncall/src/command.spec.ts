import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onCallReport, parseInstant } from './command.ts';

const rotationFile = join(import.meta.dirname, '../../../runbooks/oncall/rotation.yaml');
const dir = mkdtempSync(join(tmpdir(), 'satvach-oncall-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-12-02T10:00:00Z');

describe('onCallReport', () => {
  it('prints who is on call at --at and who is next', () => {
    const { table } = onCallReport({ rotationFile, at: '2026-12-24T10:00:00+01:00', weeks: 4, now });
    expect(table.split('\n')).toEqual([
      '      PRIMARY                                     SECONDARY    FROM                            UNTIL                           SOURCE',
      'now   Linus Example (@linus, +12025550103)        Ada Example  2026-12-24 09:00 Europe/Berlin  2026-12-27 09:00 Europe/Berlin  overrides[0] (linus, Margaret\'s holiday, covered by Linus)',
      'next  Margaret Example (@margaret, +12025550104)  Ada Example  2026-12-27 09:00 Europe/Berlin  2026-12-28 09:00 Europe/Berlin  schedule.weekly.order[3]',
    ]);
  });

  it('next is the override starting inside the current shift, not the shift after it', () => {
    const { table } = onCallReport({ rotationFile, at: '2026-12-22T12:00Z', weeks: 4, now });
    expect(table.split('\n').slice(1).map((line) => line.split(/\s{2,}/).slice(0, 5))).toEqual([
      ['now', 'Margaret Example (@margaret, +12025550104)', 'Ada Example', '2026-12-21 09:00 Europe/Berlin', '2026-12-24 09:00 Europe/Berlin'],
      ['next', 'Linus Example (@linus, +12025550103)', 'Ada Example', '2026-12-24 09:00 Europe/Berlin', '2026-12-27 09:00 Europe/Berlin'],
    ]);
  });

  it('writes the calendar of the next weeks whole, and says how many shifts', () => {
    const icsFile = join(dir, 'cal', 'oncall.ics');
    const result = onCallReport({ rotationFile, weeks: 2, icsFile, now });
    expect(result.events).toBe(3);
    expect(readFileSync(icsFile, 'utf8')).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR\r\n$/);
    expect(readdirSync(join(dir, 'cal'))).toEqual(['oncall.ics']);
  });

  it('refuses a bad --at or --weeks, and a broken rotation, writing nothing', () => {
    expect(() => parseInstant('2026-12-24 10:00')).toThrow('--at="2026-12-24 10:00" is not an ISO 8601 time with its offset');
    expect(() => parseInstant('2026-12-24T10:00')).toThrow('with its offset');
    expect(() => onCallReport({ rotationFile, weeks: 0, now })).toThrow('--weeks=0 is not a whole number of weeks from 1 to 104');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(rotationFile, 'utf8').replace('timezone: Europe/Berlin', 'timezone: Europe/Atlantis'));
    const icsFile = join(dir, 'never', 'oncall.ics');
    expect(() => onCallReport({ rotationFile: broken, weeks: 2, icsFile, now })).toThrow('timezone: "Europe/Atlantis" is not an IANA time zone');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
