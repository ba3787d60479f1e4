import { describe, expect, it } from 'vitest';
import { ALERT_NAME, AREA_NAME, runbookPath } from './format.ts';

describe('runbook names', () => {
  it('accepts PascalCase alert names and refuses others', () => {
    for (const name of ['DatabaseDown', 'HighCpuSustained', 'DiskWillFillIn24h', 'Watchdog']) expect(name).toMatch(ALERT_NAME);
    for (const name of ['databaseDown', 'Database_Down', 'Database-Down', 'DATABASE', '', '1Down']) expect(name).not.toMatch(ALERT_NAME);
  });

  it('accepts one kebab-case area and refuses a path or other casing', () => {
    for (const area of ['database', 'object-storage', 'http2']) expect(area).toMatch(AREA_NAME);
    for (const area of ['data/base', '../etc', 'Database', 'db_area', '-db', 'db-', '']) expect(area).not.toMatch(AREA_NAME);
  });

  it('places a runbook under its area', () => {
    expect(runbookPath('database', 'DatabaseDown')).toBe('runbooks/database/DatabaseDown.md');
  });
});
