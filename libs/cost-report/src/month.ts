/** A calendar month in UTC: the report's unit. */
export interface Month {
  /** `YYYY-MM`. */
  readonly id: string;
  /** The first instant of the month (inclusive), ms since the epoch. */
  readonly startMs: number;
  /** The first instant of the next month (exclusive), ms since the epoch. */
  readonly endMs: number;
  /** endMs − startMs: 28 to 31 days. */
  readonly lengthMs: number;
  readonly hours: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function monthOf(year: number, monthIndex: number): Month {
  const startMs = Date.UTC(year, monthIndex, 1);
  const endMs = Date.UTC(year, monthIndex + 1, 1);
  const start = new Date(startMs);
  const id = `${String(start.getUTCFullYear()).padStart(4, '0')}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
  return { id, startMs, endMs, lengthMs: endMs - startMs, hours: (endMs - startMs) / 3_600_000 };
}

/** `2026-11` → the month; anything else is refused with the expected form. */
export function parseMonth(value: string): Month {
  const match = MONTH.exec(value.trim());
  if (!match) throw new Error(`month "${value}" is not a month; give it as YYYY-MM, e.g. 2026-11`);
  return monthOf(Number(match[1]), Number(match[2]) - 1);
}

/** The month before `month`. */
export function previousMonth(month: Month): Month {
  const start = new Date(month.startMs);
  return monthOf(start.getUTCFullYear(), start.getUTCMonth() - 1);
}

/** The default: the last complete month in UTC at `now`. */
export function lastCompleteMonth(now: Date): Month {
  return monthOf(now.getUTCFullYear(), now.getUTCMonth() - 1);
}

/** A month that has not ended at `now` would be reported on partial data; refused. */
export function assertComplete(month: Month, now: Date): void {
  if (month.endMs > now.getTime()) {
    throw new Error(`month ${month.id} has not ended yet (it ends ${new Date(month.endMs).toISOString()}); report a complete month, e.g. ${lastCompleteMonth(now).id}`);
  }
}
