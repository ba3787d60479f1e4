import { describe, expect, it } from 'vitest';
import { assertComplete, lastCompleteMonth, parseMonth, previousMonth } from './month.ts';

describe('month', () => {
  it('has the exact UTC bounds of 30-, 31-, 28- and 29-day months', () => {
    expect(parseMonth('2026-11')).toMatchObject({ id: '2026-11', startMs: Date.parse('2026-11-01T00:00:00Z'), endMs: Date.parse('2026-12-01T00:00:00Z'), hours: 720 });
    expect(parseMonth('2026-10').hours).toBe(744);
    expect(parseMonth('2026-02').hours).toBe(672);
    expect(parseMonth('2028-02').hours).toBe(696);
  });

  it('steps back across a year boundary', () => {
    expect(previousMonth(parseMonth('2027-01')).id).toBe('2026-12');
  });

  it('defaults to the last complete month in UTC, also just after midnight on the 1st', () => {
    expect(lastCompleteMonth(new Date('2026-12-01T00:00:01Z')).id).toBe('2026-11');
    expect(lastCompleteMonth(new Date('2026-01-15T12:00:00Z')).id).toBe('2025-12');
  });

  it.each(['2026-13', '2026-1', '26-11', 'november', '2026-00', ''])('refuses "%s", naming the form', (value) => {
    expect(() => parseMonth(value)).toThrow(`month "${value}" is not a month; give it as YYYY-MM, e.g. 2026-11`);
  });

  it('refuses a month that has not ended', () => {
    expect(() => assertComplete(parseMonth('2026-12'), new Date('2026-12-31T23:59:59Z'))).toThrow('month 2026-12 has not ended yet');
    expect(() => assertComplete(parseMonth('2026-12'), new Date('2027-01-01T00:00:00Z'))).not.toThrow();
  });
});
