// Simulated time for the on-call routing tests. Alertmanager reads the wall clock, so instead of
// moving the clock the rotation is moved: its weekly schedule starts `3 + 7 × week` days before
// today (in its zone), which puts the real current instant 3 days into the `week`-th shift — far
// from any handoff. Moving the start back one week is the same rotation evaluated one week later.
import { type Rotation, parseRotation, toLocal } from '@satvach/oncall';
import { stringify } from 'yaml';

export const TEST_PEOPLE = ['ada', 'grace', 'linus'] as const;
export type TestPerson = (typeof TEST_PEOPLE)[number];
export const testEmail = (id: TestPerson) => `${id}@example.com`;

export interface AnchoredRotationOptions {
  /** Which shift of the order (ada, grace, linus) the current instant falls in. */
  readonly week: number;
  readonly zone?: string;
  readonly escalationDelay?: string;
}

export function rotationAnchoredAt(now: Date, options: AnchoredRotationOptions): Rotation {
  const zone = options.zone ?? 'America/New_York';
  const start = new Date(toLocal(now.getTime(), zone) - (3 + 7 * options.week) * 86_400_000).toISOString().slice(0, 10);
  const text = stringify({
    timezone: zone,
    handoff: '09:00',
    escalation_delay: options.escalationDelay ?? '1h',
    people: TEST_PEOPLE.map((id, index) => ({ id, name: `${id[0]?.toUpperCase()}${id.slice(1)} Test`, email: testEmail(id), slack: `@${id}`, phone: `+1202555010${index + 1}` })),
    schedule: { weekly: { start, order: [...TEST_PEOPLE] } },
    owners: { database: 'ada', oncall: 'ada' },
  });
  return parseRotation(text, `rotation anchored ${start}`);
}
