/**
 * Wall-clock time in an IANA zone, through Intl only (no date library: Node's ICU has the zone data).
 * A "local" value is the wall-clock reading encoded as if it were UTC milliseconds, so wall-clock
 * arithmetic (a shift is 7 days long whatever DST does) is plain addition.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (e.g. Europe/Berlin); an offset or abbreviation such as CET+1 is not one. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `zone` at the instant `utc`. */
export function toLocal(utc: number, zone: string): number {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(new Date(utc)).map((part) => [part.type, part.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) + (utc % 1000 + 1000) % 1000;
}

const offsetAt = (utc: number, zone: string) => toLocal(utc, zone) - utc;
const DAY = 86_400_000;

/**
 * The instant a wall-clock reading in `zone` happens. A reading that happens twice (the hour repeated
 * when DST ends) is its first occurrence. One that never happens (the hour skipped when DST starts) is
 * read with the offset from before the change, so it lands as far after the jump as it was into the
 * skipped hour (Europe/Berlin 02:30 → 03:30 CEST); a shift ending and the next starting at that reading
 * still meet at one instant, without a gap.
 */
export function toUtc(local: number, zone: string): number {
  const before = offsetAt(local - DAY, zone);
  const after = offsetAt(local + DAY, zone);
  const valid = [...new Set([before, after])].map((offset) => local - offset).filter((utc) => toLocal(utc, zone) === local);
  if (valid.length > 0) return Math.min(...valid);
  return local - before;
}

/** A local reading as `2026-12-01T09:00` (minutes; the seconds are always 0 here). */
export const formatLocal = (local: number): string => new Date(local).toISOString().slice(0, 16);

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** `2026-12-01` (at `defaultTime`) or `2026-12-01T09:00` → a local reading; undefined when not one. */
export function parseLocal(text: string, defaultTime: string): number | undefined {
  const match = LOCAL.exec(text);
  if (!match) return undefined;
  const [hour, minute] = match[4] === undefined ? defaultTime.split(':').map(Number) : [Number(match[4]), Number(match[5])];
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(value);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || (hour as number) > 23 || (minute as number) > 59) return undefined;
  return value;
}

const UNIT_MS = { w: 7 * DAY, d: DAY, h: 3_600_000, m: 60_000, s: 1000 } as const;
export const DURATION = /^([1-9][0-9]*)(w|d|h|m|s)$/;

/** `1w`, `3d`, `12h`, `10m`, `30s` → milliseconds (of wall clock for shift lengths). */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as 1w, 3d, 12h, 10m or 30s`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
