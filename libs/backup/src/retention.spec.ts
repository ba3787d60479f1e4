import { describe, expect, it } from 'vitest';
import { planRetention, type RetentionCandidate } from './retention.ts';
import { stampOf } from './naming.ts';

const policy = { daily: 7, weekly: 4, monthly: 12, minAgeHours: 24 };
const now = new Date('2026-03-31T12:00:00Z');

/** One backup a day at 03:00 UTC for `days` days before `now`, plus optional extras. */
function history(days: number, extra: string[] = []): RetentionCandidate[] {
  const dates = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2026, 2, 31 - i, 3)));
  return [...dates, ...extra.map((iso) => new Date(iso))].map((date) => ({ stamp: stampOf(date), date, verified: false }));
}

const kept = (candidates: RetentionCandidate[], p = policy, at = now) => planRetention(candidates, p, at).keep.map((d) => d.stamp).sort();

describe('GFS retention', () => {
  it('keeps 7 daily, 4 weekly and 12 monthly over a year of nightly backups', () => {
    const plan = planRetention(history(400), policy, now);
    const stamps = plan.keep.map((decision) => decision.stamp);
    // daily: Mar 25–31; weekly: newest of the ISO weeks of Mar 30 (Mon), Mar 23, Mar 16, Mar 9 → Mar 29, 22, 15 (Sundays) + Mar 31;
    // monthly: newest of each of the 12 months Apr 2025 … Mar 2026 (the last day of each month).
    expect(stamps).toEqual([
      '20260331T030000Z', '20260330T030000Z', '20260329T030000Z', '20260328T030000Z', '20260327T030000Z', '20260326T030000Z', '20260325T030000Z',
      '20260322T030000Z', '20260315T030000Z',
      '20260228T030000Z', '20260131T030000Z', '20251231T030000Z', '20251130T030000Z', '20251031T030000Z', '20250930T030000Z',
      '20250831T030000Z', '20250731T030000Z', '20250630T030000Z', '20250531T030000Z', '20250430T030000Z',
    ]);
    expect(plan.keep.find((d) => d.stamp === '20260331T030000Z')?.reasons).toEqual(['daily 2026-03-31', 'weekly 2026-W14', 'monthly 2026-03', 'newest', 'younger than 24 h']);
    expect(plan.keep.find((d) => d.stamp === '20260322T030000Z')?.reasons).toEqual(['weekly 2026-W12']);
    expect(plan.remove).toHaveLength(400 - 20);
  });

  it('counts days that have a backup, not calendar days: a gap does not shorten the history', () => {
    const sparse = history(30).filter((_, i) => i % 3 === 0); // every third day
    const plan = planRetention(sparse, { ...policy, weekly: 0, monthly: 0 }, now);
    expect(plan.keep.filter((d) => d.reasons.some((r) => r.startsWith('daily')))).toHaveLength(7);
  });

  it('keeps only the newest of several backups on one day', () => {
    const plan = planRetention(history(1, ['2026-03-31T01:00:00Z', '2026-03-31T02:00:00Z']), { ...policy, minAgeHours: 0 }, now);
    expect(plan.keep.map((d) => d.stamp)).toEqual(['20260331T030000Z']);
    expect(plan.remove.map((d) => d.stamp)).toEqual(['20260331T020000Z', '20260331T010000Z']);
  });

  it('never deletes anything younger than the floor, whatever the counts', () => {
    const plan = planRetention(history(3), { daily: 0, weekly: 0, monthly: 0, minAgeHours: 48 }, now);
    expect(plan.keep.map((d) => [d.stamp, d.reasons])).toEqual([
      ['20260331T030000Z', ['newest', 'younger than 48 h']],
      ['20260330T030000Z', ['younger than 48 h']],
    ]);
  });

  it('never deletes the newest verified backup, even when it falls out of every period', () => {
    const candidates = history(60).map((c) => ({ ...c, verified: c.stamp === '20260210T030000Z' }));
    const plan = planRetention(candidates, { daily: 2, weekly: 0, monthly: 0, minAgeHours: 0 }, now);
    expect(plan.keep.find((d) => d.stamp === '20260210T030000Z')?.reasons).toEqual(['newest verified']);
  });

  it('keeps the newest backup with all counts at zero', () => {
    expect(kept(history(5), { daily: 0, weekly: 0, monthly: 0, minAgeHours: 0 })).toEqual(['20260331T030000Z']);
  });

  it('an empty history plans nothing', () => {
    expect(planRetention([], policy, now)).toEqual({ keep: [], remove: [] });
  });

  it('ISO weeks cross the year boundary correctly (2026-01-01 is in 2026-W01, 2025-12-29 too)', () => {
    const candidates = ['2025-12-28T03:00:00Z', '2025-12-29T03:00:00Z', '2026-01-01T03:00:00Z'].map((iso) => ({ stamp: stampOf(new Date(iso)), date: new Date(iso), verified: false }));
    const plan = planRetention(candidates, { daily: 0, weekly: 2, monthly: 0, minAgeHours: 0 }, new Date('2026-01-02T00:00:00Z'));
    expect(plan.keep.map((d) => [d.stamp, d.reasons])).toEqual([
      ['20260101T030000Z', ['weekly 2026-W01', 'newest']],
      ['20251228T030000Z', ['weekly 2025-W52']],
    ]);
  });
});
