import { z } from 'zod';
import { DURATION } from './time.ts';

/**
 * Runbook areas (directories under runbooks/) are kebab-case, one level. Defined here, where the owners
 * are keyed by it, and re-exported by libs/runbooks (which depends on this library, not the reverse).
 */
export const AREA_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * How long after a critical alert the primary is paged (the critical route's Alertmanager `group_wait`).
 * The escalation delay must be longer, or the secondary would be paged before the primary.
 */
export const PRIMARY_PAGE_WAIT = '10s';

const personId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lowercase id such as ada or grace-h');
const localTime = z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day as HH:MM, such as 09:00');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?$/, 'a local date (2026-11-30, at the handoff time) or date and time (2026-11-30T09:00) in the rotation\'s timezone');
const duration = z.string().regex(DURATION, 'a duration such as 1w, 3d, 12h, 10m or 30s');

export const PersonSchema = z.strictObject({
  id: personId,
  name: z.string().min(1, 'the person\'s name'),
  email: z.email({ message: 'an email address such as ada@example.com' }),
  slack: z.string().regex(/^@[a-z0-9][a-z0-9._-]*$/, 'a Slack handle such as @ada'),
  // E.164: what SNS needs to send an SMS.
  phone: z.string().regex(/^\+[1-9][0-9]{7,14}$/, 'a phone number in E.164 form, such as +12025550101'),
});

export const ShiftSchema = z.strictObject({
  person: personId,
  start: localDate,
  length: duration,
  /** Who is paged after the escalation delay; default: the next person in the rotation order. */
  secondary: personId.optional(),
});

export const OverrideSchema = z.strictObject({
  person: personId,
  from: localDate,
  to: localDate,
  secondary: personId.optional(),
  reason: z.string().min(1).optional(),
});

export const RotationSchema = z.strictObject({
  /** IANA zone of every local time in the file: handoffs, shift starts, overrides. */
  timezone: z.string().min(1),
  handoff: localTime,
  /** How long an unacknowledged critical page waits before the secondary is paged too. */
  escalation_delay: duration,
  people: z.array(PersonSchema).min(2, 'at least two people, so that every shift has a secondary'),
  schedule: z.union([
    z.strictObject({ weekly: z.strictObject({ start: localDate, order: z.array(personId).min(2, 'at least two people') }) }),
    z.strictObject({ shifts: z.array(ShiftSchema).min(1) }),
  ], { message: 'either `weekly: { start, order }` or `shifts: [{ person, start, length }]`' }),
  overrides: z.array(OverrideSchema).default([]),
  /** The owner of each runbook area (any kebab-case area, so a new area can name its owner). */
  owners: z.record(z.string().regex(AREA_NAME), personId, { error: (issue) => (issue.code === 'invalid_key' ? 'not a runbook area: kebab-case, such as database or object-storage (the directory under runbooks/)' : undefined) }),
});

export type RotationFile = z.infer<typeof RotationSchema>;
export type Person = z.infer<typeof PersonSchema>;
