import { type RetentionPolicy } from './config.ts';

export interface RetentionCandidate {
  readonly stamp: string;
  readonly date: Date;
  /** A restore drill of this backup passed. */
  readonly verified: boolean;
}

export interface RetentionDecision {
  readonly stamp: string;
  /** Why it is kept; empty when it goes. */
  readonly reasons: readonly string[];
}

export interface RetentionPlan {
  readonly keep: readonly RetentionDecision[];
  readonly remove: readonly RetentionDecision[];
}

function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const BUCKETS = [
  { name: 'daily', key: (date: Date) => date.toISOString().slice(0, 10), count: (policy: RetentionPolicy) => policy.daily },
  { name: 'weekly', key: isoWeek, count: (policy: RetentionPolicy) => policy.weekly },
  { name: 'monthly', key: (date: Date) => date.toISOString().slice(0, 7), count: (policy: RetentionPolicy) => policy.monthly },
] as const;

/**
 * Grandfather-father-son over UTC calendar periods: for each of the last `daily` days (weeks, months)
 * that have a backup, the newest backup of that period is kept. On top of that, and whatever the
 * counts: the newest backup, the newest verified backup and everything younger than the floor.
 * A pure function of its inputs — prune and `--dry-run` print exactly this plan.
 */
export function planRetention(candidates: readonly RetentionCandidate[], policy: RetentionPolicy, now: Date): RetentionPlan {
  const newestFirst = [...candidates].sort((a, b) => b.date.getTime() - a.date.getTime() || b.stamp.localeCompare(a.stamp));
  const reasons = new Map<string, string[]>(newestFirst.map((candidate) => [candidate.stamp, []]));
  const add = (stamp: string, reason: string) => reasons.get(stamp)?.push(reason);

  for (const bucket of BUCKETS) {
    const seen = new Set<string>();
    for (const candidate of newestFirst) {
      const period = bucket.key(candidate.date);
      if (seen.has(period)) continue;
      if (seen.size >= bucket.count(policy)) break;
      seen.add(period);
      add(candidate.stamp, `${bucket.name} ${period}`);
    }
  }
  const newest = newestFirst[0];
  if (newest !== undefined) add(newest.stamp, 'newest');
  const newestVerified = newestFirst.find((candidate) => candidate.verified);
  if (newestVerified !== undefined) add(newestVerified.stamp, 'newest verified');
  const floor = now.getTime() - policy.minAgeHours * 3_600_000;
  for (const candidate of newestFirst) if (candidate.date.getTime() > floor) add(candidate.stamp, `younger than ${policy.minAgeHours} h`);

  const decisions = newestFirst.map((candidate) => ({ stamp: candidate.stamp, reasons: reasons.get(candidate.stamp) ?? [] }));
  return { keep: decisions.filter((decision) => decision.reasons.length > 0), remove: decisions.filter((decision) => decision.reasons.length === 0) };
}
