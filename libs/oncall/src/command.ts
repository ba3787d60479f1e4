import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderIcs } from './ics.ts';
import { onCallTable, weeksAhead } from './report.ts';
import { loadRotation } from './rotation.ts';

export interface OnCallRequest {
  readonly rotationFile: string;
  /** `--at`: an ISO 8601 instant with its offset or Z; default: now. */
  readonly at?: string;
  readonly weeks: number;
  /** Where to write the calendar; none: no calendar. */
  readonly icsFile?: string;
  readonly now: Date;
}

export class OnCallOptionError extends Error {
  override readonly name = 'OnCallOptionError';
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `--at` as an instant; a time without its offset would be ambiguous, so it is refused. */
export function parseInstant(text: string): Date {
  const date = new Date(text);
  if (!INSTANT.test(text) || Number.isNaN(date.getTime())) throw new OnCallOptionError(`--at="${text}" is not an ISO 8601 time with its offset, such as 2026-12-24T10:00:00Z or 2026-12-24T10:00+01:00`);
  return date;
}

/**
 * What `nx run runbooks:oncall` does: who is on call at `at` and next (a table), and the calendar of
 * the `weeks` weeks from then, written whole or not at all.
 */
export function onCallReport(request: OnCallRequest): { table: string; icsFile?: string; events: number } {
  if (!Number.isInteger(request.weeks) || request.weeks < 1 || request.weeks > 104) throw new OnCallOptionError(`--weeks=${request.weeks} is not a whole number of weeks from 1 to 104`);
  const at = request.at === undefined ? request.now : parseInstant(request.at);
  const rotation = loadRotation(request.rotationFile);
  const table = onCallTable(rotation, at);
  if (request.icsFile === undefined) return { table, events: 0 };
  const timeline = weeksAhead(rotation, at, request.weeks);
  mkdirSync(dirname(request.icsFile), { recursive: true });
  const temporary = `${request.icsFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, renderIcs(timeline, { now: request.now }));
    renameSync(temporary, request.icsFile);
  } finally {
    rmSync(temporary, { force: true });
  }
  return { table, icsFile: request.icsFile, events: timeline.length };
}
