import type { OnCall, Rotation } from '@satvach/oncall';

/**
 * The rotation as Alertmanager routing: one receiver per person, and per person two time intervals
 * (when they are primary, when they are secondary) listing the stretches of the next `horizonWeeks`.
 * Alertmanager's intervals cannot say "every fourth week", so each stretch is spelled out by date;
 * stack:up renders them again each time it starts.
 *
 * The dates are in UTC (no `location`): the stretches' instants already follow the rotation's zone and
 * its DST (libs/oncall), and the upstream image (prom/alertmanager, busybox) has no tz database, so an
 * interval with `location: Europe/Berlin` would stop Alertmanager from loading its config at all.
 */

export const oncallReceiver = (id: string) => `oncall-${id}`;
export const primaryInterval = (id: string) => `oncall-primary-${id}`;
export const secondaryInterval = (id: string) => `oncall-secondary-${id}`;

export const DEFAULT_HORIZON_WEEKS = 26;

interface TimeRange {
  start_time: string;
  end_time: string;
}

export interface TimeIntervalEntry {
  years: string[];
  months: string[];
  days_of_month: string[];
  times?: TimeRange[];
}

const DAY = 86_400_000;
const hhmm = (local: number) => new Date(local).toISOString().slice(11, 16);
const dayOf = (local: number) => local - (local % DAY);

/** One stretch [start, end) (UTC ms) as Alertmanager time-interval entries: a partial first day, whole days by month, a partial last day. */
export function intervalEntries(start: number, end: number): TimeIntervalEntry[] {
  const entries: TimeIntervalEntry[] = [];
  const on = (day: number, lastDay: number, times?: TimeRange) => {
    const [first, last] = [new Date(day), new Date(lastDay)];
    entries.push({
      years: [String(first.getUTCFullYear())],
      months: [String(first.getUTCMonth() + 1)],
      days_of_month: [first.getUTCDate() === last.getUTCDate() ? String(first.getUTCDate()) : `${first.getUTCDate()}:${last.getUTCDate()}`],
      ...(times ? { times: [times] } : {}),
    });
  };
  if (dayOf(start) === dayOf(end)) {
    if (end > start) on(dayOf(start), dayOf(start), { start_time: hhmm(start), end_time: hhmm(end) });
    return entries;
  }
  let day = dayOf(start);
  if (start > day) {
    on(day, day, { start_time: hhmm(start), end_time: '24:00' });
    day += DAY;
  }
  // Whole days, one entry per calendar month.
  while (day < dayOf(end)) {
    const month = new Date(day).getUTCMonth();
    let last = day;
    while (last + DAY < dayOf(end) && new Date(last + DAY).getUTCMonth() === month) last += DAY;
    on(day, last);
    day = last + DAY;
  }
  if (end > dayOf(end)) on(dayOf(end), dayOf(end), { start_time: '00:00', end_time: hhmm(end) });
  return entries;
}

export interface OncallRouting {
  readonly timeIntervals: { name: string; time_intervals: TimeIntervalEntry[] }[];
  /** Child routes of the critical route, after the team's own receiver. */
  readonly routes: Record<string, unknown>[];
  /** Receiver name → person, for the caller to give each its channels. */
  readonly receivers: { name: string; email: string; phone: string }[];
}

/**
 * Routes that page the primary at once (the critical route's group_wait) and the secondary after the
 * rotation's escalation delay: the secondary's route is a sibling with `group_wait` = the delay, so
 * its notification is held that long, and a silence made meanwhile (the acknowledgement) mutes it.
 */
export function oncallRouting(rotation: Rotation, now: Date, horizonWeeks: number): OncallRouting {
  const timeline: OnCall[] = rotation.timeline(now, new Date(now.getTime() + horizonWeeks * 7 * DAY));
  const entriesFor = (pick: (stretch: OnCall) => string, id: string) =>
    timeline.filter((stretch) => pick(stretch) === id).flatMap((stretch) => intervalEntries(Math.max(stretch.start, now.getTime() - DAY), stretch.end));
  const timeIntervals: OncallRouting['timeIntervals'] = [];
  const primaryRoutes: Record<string, unknown>[] = [];
  const secondaryRoutes: Record<string, unknown>[] = [];
  const paged = new Set<string>();
  for (const person of rotation.people) {
    const primary = entriesFor((stretch) => stretch.primary.id, person.id);
    const secondary = entriesFor((stretch) => stretch.secondary.id, person.id);
    if (primary.length > 0) {
      timeIntervals.push({ name: primaryInterval(person.id), time_intervals: primary });
      primaryRoutes.push({ receiver: oncallReceiver(person.id), active_time_intervals: [primaryInterval(person.id)], continue: true });
      paged.add(person.id);
    }
    if (secondary.length > 0) {
      timeIntervals.push({ name: secondaryInterval(person.id), time_intervals: secondary });
      secondaryRoutes.push({ receiver: oncallReceiver(person.id), active_time_intervals: [secondaryInterval(person.id)], group_wait: rotation.escalationDelay, continue: true });
      paged.add(person.id);
    }
  }
  const receivers = rotation.people.filter((person) => paged.has(person.id)).map((person) => ({ name: oncallReceiver(person.id), email: person.email, phone: person.phone }));
  return { timeIntervals, routes: [...primaryRoutes, ...secondaryRoutes], receivers };
}
