import { formatTable } from '@satvach/exec';
import type { OnCall, Rotation } from './rotation.ts';
import { formatLocal, toLocal } from './time.ts';

const WEEK = 7 * 86_400_000;

/** The local time in the rotation's zone and in UTC, as a person reads it: `2026-12-07 09:00 Europe/Berlin`. */
export const formatInstant = (ms: number, zone: string): string => `${formatLocal(toLocal(ms, zone)).replace('T', ' ')} ${zone}`;

/** Who is on call at `at` and who takes over next. */
export function nowAndNext(rotation: Rotation, at: Date): { now: OnCall; next: OnCall } {
  const now = rotation.at(at);
  return { now, next: rotation.at(new Date(now.end)) };
}

/** The table `nx run runbooks:oncall` prints. */
export function onCallTable(rotation: Rotation, at: Date): string {
  const { now, next } = nowAndNext(rotation, at);
  const row = (label: string, stretch: OnCall) => [label, `${stretch.primary.name} (${stretch.primary.slack}, ${stretch.primary.phone})`, stretch.secondary.name, formatInstant(stretch.start, rotation.timezone), formatInstant(stretch.end, rotation.timezone), stretch.source];
  return formatTable([['', 'PRIMARY', 'SECONDARY', 'FROM', 'UNTIL', 'SOURCE'], row('now', now), row('next', next)]);
}

/** The stretches of the `weeks` weeks from `from`, for the calendar. */
export const weeksAhead = (rotation: Rotation, from: Date, weeks: number): OnCall[] => rotation.timeline(from, new Date(from.getTime() + weeks * WEEK));
