import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ZodType } from 'zod';
import { type Person, PRIMARY_PAGE_WAIT, type RotationFile, RotationSchema } from './model.ts';
import { durationMs, formatLocal, isTimeZone, parseLocal, toLocal, toUtc } from './time.ts';

/** One stretch of time with the same people on call; instants in UTC ms, end exclusive. */
export interface OnCall {
  readonly start: number;
  readonly end: number;
  readonly primary: Person;
  readonly secondary: Person;
  /** `schedule` or the override that put the primary there, e.g. `overrides[0] (holiday)`. */
  readonly source: string;
}

export class RotationError extends Error {
  override readonly name = 'RotationError';
  readonly problems: string[];
  constructor(problems: string[], file: string) {
    super(`${file} is not a valid on-call rotation; nothing was used. Fix:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

interface BaseShift {
  readonly entry: string;
  readonly person: string;
  readonly secondary?: string;
  /** Local readings (see time.ts). */
  readonly start: number;
  readonly end: number;
}

interface Override {
  readonly entry: string;
  readonly person: string;
  readonly secondary?: string;
  readonly start: number;
  readonly end: number;
}

/**
 * A validated rotation: its schedule is one cycle of shifts that repeats (a weekly order of four
 * people repeats every four weeks; a custom list repeats after its last shift), so someone is on call
 * at every instant, and overrides replace the primary for their span.
 */
export class Rotation {
  readonly timezone: string;
  readonly escalationDelayMs: number;
  readonly escalationDelay: string;
  readonly people: readonly Person[];
  /** The owner of each runbook area, by area name. */
  readonly owners: Readonly<Record<string, Person>>;
  /** Ids in rotation order; the secondary is the next one. */
  readonly order: readonly string[];
  private readonly shifts: readonly BaseShift[];
  private readonly overrides: readonly Override[];
  private readonly cycle: number;
  private readonly byId: ReadonlyMap<string, Person>;

  constructor(file: RotationFile, shifts: readonly BaseShift[], overrides: readonly Override[]) {
    this.timezone = file.timezone;
    this.escalationDelay = file.escalation_delay;
    this.escalationDelayMs = durationMs(file.escalation_delay);
    this.people = file.people;
    this.byId = new Map(file.people.map((person) => [person.id, person]));
    this.owners = Object.fromEntries(Object.entries(file.owners).map(([area, id]) => [area, this.person(id)]));
    this.shifts = shifts;
    this.order = [...new Set(shifts.map((shift) => shift.person))];
    this.overrides = overrides;
    this.cycle = (shifts.at(-1) as BaseShift).end - (shifts[0] as BaseShift).start;
  }

  person(id: string): Person {
    const person = this.byId.get(id);
    if (!person) throw new Error(`unknown person "${id}"`);
    return person;
  }

  private next(id: string): string {
    const index = this.order.indexOf(id);
    return this.order[(index + 1) % this.order.length] as string;
  }

  /** The scheduled shift (before overrides) at `utc`, with its span in UTC. */
  private scheduled(utc: number): { shift: BaseShift; start: number; end: number } {
    const first = (this.shifts[0] as BaseShift).start;
    const k = Math.floor((toLocal(utc, this.timezone) - first) / this.cycle);
    for (const repeat of [k - 1, k, k + 1]) {
      for (const shift of this.shifts) {
        const start = toUtc(shift.start + repeat * this.cycle, this.timezone);
        const end = toUtc(shift.end + repeat * this.cycle, this.timezone);
        if (start <= utc && utc < end) return { shift, start, end };
      }
    }
    throw new Error(`no shift covers ${new Date(utc).toISOString()}`); // unreachable for a validated rotation
  }

  private overrideAt(utc: number): (Override & { startUtc: number; endUtc: number }) | undefined {
    for (const override of this.overrides) {
      const [startUtc, endUtc] = [toUtc(override.start, this.timezone), toUtc(override.end, this.timezone)];
      if (startUtc <= utc && utc < endUtc) return { ...override, startUtc, endUtc };
    }
    return undefined;
  }

  /**
   * The default secondary while `override` displaces `shift`'s primary: the shift's own secondary, else
   * the next in order after the displaced person — never the displaced person (away: that is why the
   * override exists) nor the override's primary.
   */
  private overrideSecondary(override: Override, shift: BaseShift): string {
    if (override.secondary !== undefined) return override.secondary;
    const at = this.order.indexOf(shift.person);
    const inOrder = this.order.map((_, step) => this.order[(at + 1 + step) % this.order.length] as string);
    const candidates = [shift.secondary, ...inOrder, ...this.people.map((person) => person.id)];
    return candidates.find((id) => id !== undefined && id !== override.person && id !== shift.person) as string; // parseRotation ensures one exists
  }

  /**
   * Who is primary and secondary at the instant `at`, and from when until when: a scheduled stretch
   * ends where the next override starts and begins where the last one ended, so `end` is when the
   * people change.
   */
  at(at: Date): OnCall {
    const utc = at.getTime();
    const { shift, start, end } = this.scheduled(utc);
    const override = this.overrideAt(utc);
    if (override) return { start: override.startUtc, end: override.endUtc, primary: this.person(override.person), secondary: this.person(this.overrideSecondary(override, shift)), source: override.entry };
    const spans = this.overrides.map((o) => [toUtc(o.start, this.timezone), toUtc(o.end, this.timezone)] as const);
    const clippedStart = Math.max(start, ...spans.map(([, oEnd]) => oEnd).filter((oEnd) => oEnd > start && oEnd <= utc));
    const clippedEnd = Math.min(end, ...spans.map(([oStart]) => oStart).filter((oStart) => oStart > utc && oStart < end));
    return { start: clippedStart, end: clippedEnd, primary: this.person(shift.person), secondary: this.person(shift.secondary ?? this.next(shift.person)), source: shift.entry };
  }

  /**
   * Everyone on call from `from` to `to`, as consecutive stretches; the first starts at or before
   * `from` and the last ends at or after `to`. An override inside a shift splits it in three.
   */
  timeline(from: Date, to: Date): OnCall[] {
    const stretches: OnCall[] = [];
    for (let cursor = from.getTime(); cursor < to.getTime(); ) {
      const here = this.at(new Date(cursor));
      stretches.push(here);
      cursor = here.end;
    }
    return stretches;
  }
}

const describeLocal = (local: number, zone: string) => `${formatLocal(local)} ${zone}`;

/** Parses and validates a rotation; every problem is listed at once, by entry (and time). */
export function parseRotation(text: string, file: string): Rotation {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new RotationError([`not YAML: ${(error as Error).message}`], file);
  }
  const parsed = RotationSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '') || '(top level)'}: ${issue.message}`);
  // The rotation-level checks run on every part that is valid on its own, even when another is not,
  // so every problem is listed at once.
  const rotation: Partial<RotationFile> = parsed.success ? parsed.data : validParts(raw);
  const zone = rotation.timezone ?? 'the rotation\'s timezone';
  if (rotation.timezone !== undefined && !isTimeZone(rotation.timezone)) problems.push(`timezone: "${zone}" is not an IANA time zone; use a name such as Europe/Berlin or America/New_York (\`timedatectl list-timezones\`)`);

  if (rotation.escalation_delay !== undefined && durationMs(rotation.escalation_delay) <= durationMs(PRIMARY_PAGE_WAIT)) {
    problems.push(`escalation_delay: ${rotation.escalation_delay} must be longer than ${PRIMARY_PAGE_WAIT}, the wait before the primary is paged — or the secondary is paged first; give the primary time to acknowledge (e.g. 15m)`);
  }

  const ids = new Set<string>();
  rotation.people?.forEach((person, index) => {
    if (ids.has(person.id)) problems.push(`people[${index}] (${person.id}): the id is used twice; each person needs an id of their own`);
    ids.add(person.id);
  });
  const known = (id: string | undefined, where: string) => {
    if (rotation.people !== undefined && id !== undefined && !ids.has(id)) problems.push(`${where}: unknown person "${id}"; add them to people or use one of ${[...ids].join(', ')}`);
  };

  // Times need the handoff (a date alone starts at it); without a valid one, only the other checks run.
  const timed = rotation.handoff !== undefined;
  const local = (text: string, where: string): number => {
    const value = parseLocal(text, rotation.handoff ?? '00:00');
    if (value === undefined) problems.push(`${where}: "${text}" is not a date of the calendar`);
    return value ?? 0;
  };

  let shifts: BaseShift[] = [];
  if (rotation.schedule !== undefined && 'weekly' in rotation.schedule) {
    const { start, order } = rotation.schedule.weekly;
    order.forEach((id, index) => known(id, `schedule.weekly.order[${index}]`));
    if (new Set(order).size !== order.length) problems.push('schedule.weekly.order: a person is listed twice; list each person once, in the order they take the week');
    const first = local(start, 'schedule.weekly.start');
    shifts = order.map((person, index) => ({ entry: `schedule.weekly.order[${index}]`, person, start: first + index * 7 * 86_400_000, end: first + (index + 1) * 7 * 86_400_000 }));
  } else if (rotation.schedule !== undefined) {
    shifts = rotation.schedule.shifts
      .map((shift, index) => {
        const entry = `schedule.shifts[${index}] (${shift.person})`;
        known(shift.person, entry);
        known(shift.secondary, `${entry}.secondary`);
        if (shift.secondary === shift.person) problems.push(`${entry}.secondary: the primary cannot be their own secondary`);
        const start = local(shift.start, `${entry}.start`);
        return { entry, person: shift.person, secondary: shift.secondary, start, end: start + durationMs(shift.length) };
      })
      .sort((a, b) => a.start - b.start);
    // The list is one cycle: each shift must begin where the shifts before it end — the latest end so
    // far, as a long shift can outlast a shorter one that starts after it.
    for (let index = 1; timed && index < shifts.length; index++) {
      const after = shifts[index] as BaseShift;
      const before = shifts.slice(0, index).reduce((latest, shift) => (shift.end > latest.end ? shift : latest));
      if (after.start > before.end) problems.push(`${after.entry}: gap — nobody is on call from ${describeLocal(before.end, zone)} to ${describeLocal(after.start, zone)} (after ${before.entry}); start it when the previous shift ends`);
      if (after.start < before.end) problems.push(`${after.entry}: overlaps ${before.entry} from ${describeLocal(after.start, zone)} to ${describeLocal(Math.min(before.end, after.end), zone)}; one person is primary at a time (use overrides for swaps)`);
    }
    if (new Set(shifts.map((shift) => shift.person)).size < 2) problems.push('schedule.shifts: at least two people take shifts, so that every shift has a secondary');
  }

  const overrides: Override[] = (rotation.overrides ?? []).map((override, index) => {
    const entry = `overrides[${index}] (${override.person}${override.reason ? `, ${override.reason}` : ''})`;
    known(override.person, entry);
    known(override.secondary, `${entry}.secondary`);
    const [start, end] = [local(override.from, `${entry}.from`), local(override.to, `${entry}.to`)];
    if (timed && end <= start) problems.push(`${entry}: to (${describeLocal(end, zone)}) is not after from (${describeLocal(start, zone)})`);
    if (override.secondary === override.person) problems.push(`${entry}.secondary: the primary cannot be their own secondary`);
    if (override.secondary === undefined && rotation.people !== undefined && ids.size < 3) problems.push(`${entry}: name its secondary; with two people the only other one is the person it displaces`);
    return { entry, person: override.person, secondary: override.secondary, start, end };
  });
  overrides.forEach((override, index) => {
    for (const other of overrides.slice(0, index).filter(() => timed && override.end > override.start)) {
      if (override.start < other.end && other.start < override.end) problems.push(`${override.entry}: overlaps ${other.entry} from ${describeLocal(Math.max(override.start, other.start), zone)}; merge them or make one end where the other starts`);
    }
  });
  for (const [area, id] of Object.entries(rotation.owners ?? {})) known(id, `owners.${area}`);

  if (!parsed.success || problems.length > 0) throw new RotationError(problems, file);
  return new Rotation(parsed.data, shifts, overrides);
}

/** The top-level parts of a rotation that are valid on their own (for checking around a broken one). */
function validParts(raw: unknown): Partial<RotationFile> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const parts: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(RotationSchema.shape)) {
    const result = (schema as ZodType).safeParse((raw as Record<string, unknown>)[key]);
    if (result.success) parts[key] = result.data;
  }
  return parts as Partial<RotationFile>;
}

export function loadRotation(file: string): Rotation {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RotationError([`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)}); point SATVACH_ONCALL_ROTATION (or --rotation) at the rotation file`], file);
  }
  return parseRotation(text, file);
}
