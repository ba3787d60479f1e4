import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadRotation, parseRotation, RotationError } from './rotation.ts';

const DOCUMENTED = join(import.meta.dirname, '../../../runbooks/oncall/rotation.yaml');

const people = ['ada', 'grace', 'linus'].map((id, index) => ({ id, name: `${id} Example`, email: `${id}@example.com`, slack: `@${id}`, phone: `+1202555010${index + 1}` }));
const owners = { database: 'ada', 'object-storage': 'grace' };
const base = { timezone: 'Europe/Berlin', handoff: '09:00', escalation_delay: '10m', people, schedule: { weekly: { start: '2026-03-23', order: ['ada', 'grace', 'linus'] } }, overrides: [], owners };
const rotationOf = (changes: Record<string, unknown> = {}) => parseRotation(stringify({ ...base, ...changes }), 'rotation.yaml');
const problemsOf = (changes: Record<string, unknown>): string[] => {
  try {
    rotationOf(changes);
  } catch (error) {
    expect(error).toBeInstanceOf(RotationError);
    return (error as RotationError).problems;
  }
  throw new Error('accepted');
};
const who = (rotation: ReturnType<typeof rotationOf>, iso: string) => {
  const onCall = rotation.at(new Date(iso));
  return [onCall.primary.id, onCall.secondary.id];
};

describe('the documented rotation (runbooks/oncall/rotation.yaml)', () => {
  it('loads, with an owner for every area and a 15 min escalation', () => {
    const rotation = loadRotation(DOCUMENTED);
    expect(rotation.order).toEqual(['ada', 'grace', 'linus', 'margaret']);
    expect(rotation.escalationDelayMs).toBe(15 * 60_000);
    expect(rotation.owners.database?.id).toBe('grace');
    expect(Object.keys(rotation.owners)).toHaveLength(10);
  });

  it('owners may name any kebab-case area, so a new runbook area can have its owner', () => {
    expect(rotationOf({ owners: { 'object-storage': 'grace', payments: 'linus' } }).owners['object-storage']?.id).toBe('grace');
  });

  it('its holiday override makes Linus primary over Christmas, Ada secondary (never Margaret, who is away)', () => {
    const rotation = loadRotation(DOCUMENTED);
    expect(who(rotation, '2026-12-22T12:00:00Z')).toEqual(['margaret', 'ada']);
    expect(who(rotation, '2026-12-25T12:00:00Z')).toEqual(['linus', 'ada']);
    expect(who(rotation, '2026-12-27T08:30:00Z')).toEqual(['margaret', 'ada']);
  });
});

describe('who is on call', () => {
  it('weekly: one week each from the handoff, the next in order as secondary, repeating', () => {
    const rotation = rotationOf();
    expect(who(rotation, '2026-03-23T07:59:00Z')).toEqual(['linus', 'ada']); // before the first handoff: the cycle before
    expect(who(rotation, '2026-03-23T08:00:00Z')).toEqual(['ada', 'grace']); // 09:00 CET
    expect(who(rotation, '2026-04-06T10:00:00Z')).toEqual(['linus', 'ada']);
    expect(who(rotation, '2026-04-13T07:00:00Z')).toEqual(['ada', 'grace']); // 09:00 CEST: UTC 07:00
  });

  it('keeps the handoff at 09:00 local across DST: the week over the change is 167 hours long in March, 169 in October', () => {
    const span = (start: string, at: string) => {
      const week = rotationOf({ schedule: { weekly: { start, order: ['ada', 'grace', 'linus'] } } }).at(new Date(at));
      return [new Date(week.start).toISOString(), new Date(week.end).toISOString(), (week.end - week.start) / 3_600_000];
    };
    expect(span('2026-03-23', '2026-03-25T12:00:00Z')).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z', 167]);
    expect(span('2026-10-19', '2026-10-20T12:00:00Z')).toEqual(['2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z', 169]);
    expect(span('2026-10-19', '2026-10-27T12:00:00Z')).toEqual(['2026-10-26T08:00:00.000Z', '2026-11-02T08:00:00.000Z', 168]);
  });

  it('custom shifts with a named secondary, repeating after the last one', () => {
    const rotation = rotationOf({ timezone: 'America/New_York', schedule: { shifts: [{ person: 'ada', start: '2026-11-02T08:00', length: '12h' }, { person: 'grace', start: '2026-11-02T20:00', length: '12h', secondary: 'linus' }] } });
    expect(who(rotation, '2026-11-02T14:00:00Z')).toEqual(['ada', 'grace']);
    expect(who(rotation, '2026-11-03T02:00:00Z')).toEqual(['grace', 'linus']);
    expect(who(rotation, '2026-11-09T14:00:00Z')).toEqual(['ada', 'grace']);
  });

  it('an override splits the timeline; its secondary is the displaced shift\'s own', () => {
    const rotation = rotationOf({ overrides: [{ person: 'linus', from: '2026-03-25T12:00', to: '2026-03-26', reason: 'swap' }] });
    const timeline = rotation.timeline(new Date('2026-03-24T00:00:00Z'), new Date('2026-03-28T00:00:00Z'));
    expect(timeline.map((s) => [s.primary.id, s.secondary.id, new Date(s.start).toISOString(), new Date(s.end).toISOString(), s.source])).toEqual([
      ['ada', 'grace', '2026-03-23T08:00:00.000Z', '2026-03-25T11:00:00.000Z', 'schedule.weekly.order[0]'],
      ['linus', 'grace', '2026-03-25T11:00:00.000Z', '2026-03-26T08:00:00.000Z', 'overrides[0] (linus, swap)'],
      ['ada', 'grace', '2026-03-26T08:00:00.000Z', '2026-03-30T07:00:00.000Z', 'schedule.weekly.order[0]'],
    ]);
  });
});

describe('overrides', () => {
  it('an override\'s default secondary is never the person it displaces', () => {
    // linus's week (secondary ada); grace covers — the next after grace would be linus, who is away.
    const rotation = rotationOf({ overrides: [{ person: 'grace', from: '2026-04-07', to: '2026-04-09' }] });
    expect(who(rotation, '2026-04-08T12:00:00Z')).toEqual(['grace', 'ada']);
    // ada's week (secondary grace) covered by grace: the next after ada other than grace.
    expect(who(rotationOf({ overrides: [{ person: 'grace', from: '2026-03-24', to: '2026-03-25' }] }), '2026-03-24T12:00:00Z')).toEqual(['grace', 'linus']);
  });

  it('a named secondary wins', () => {
    expect(who(rotationOf({ overrides: [{ person: 'grace', from: '2026-04-07', to: '2026-04-09', secondary: 'ada' }] }), '2026-04-08T12:00:00Z')).toEqual(['grace', 'ada']);
  });

  it('a shift\'s stretch ends where an override starting inside it begins, and restarts where it ends', () => {
    const rotation = loadRotation(DOCUMENTED);
    const span = (iso: string) => {
      const onCall = rotation.at(new Date(iso));
      return [onCall.primary.id, new Date(onCall.start).toISOString(), new Date(onCall.end).toISOString()];
    };
    expect(span('2026-12-22T12:00:00Z')).toEqual(['margaret', '2026-12-21T08:00:00.000Z', '2026-12-24T08:00:00.000Z']);
    expect(span('2026-12-27T08:30:00Z')).toEqual(['margaret', '2026-12-27T08:00:00.000Z', '2026-12-28T08:00:00.000Z']);
  });
});

describe('a bad rotation is refused, naming the entry and the time', () => {
  it('a gap between custom shifts', () => {
    expect(problemsOf({ schedule: { shifts: [{ person: 'ada', start: '2026-11-02', length: '1d' }, { person: 'grace', start: '2026-11-03T12:00', length: '1d' }] } })).toEqual([
      'schedule.shifts[1] (grace): gap — nobody is on call from 2026-11-03T09:00 Europe/Berlin to 2026-11-03T12:00 Europe/Berlin (after schedule.shifts[0] (ada)); start it when the previous shift ends',
    ]);
  });

  it('a shift overlapping a longer one that started earlier, though it meets the previous one', () => {
    expect(problemsOf({ schedule: { shifts: [{ person: 'ada', start: '2026-11-02', length: '3d' }, { person: 'grace', start: '2026-11-03', length: '1d' }, { person: 'linus', start: '2026-11-04', length: '2d' }] } })).toEqual([
      'schedule.shifts[1] (grace): overlaps schedule.shifts[0] (ada) from 2026-11-03T09:00 Europe/Berlin to 2026-11-04T09:00 Europe/Berlin; one person is primary at a time (use overrides for swaps)',
      'schedule.shifts[2] (linus): overlaps schedule.shifts[0] (ada) from 2026-11-04T09:00 Europe/Berlin to 2026-11-05T09:00 Europe/Berlin; one person is primary at a time (use overrides for swaps)',
    ]);
  });

  it('overlapping shifts', () => {
    expect(problemsOf({ schedule: { shifts: [{ person: 'ada', start: '2026-11-02', length: '2d' }, { person: 'grace', start: '2026-11-03', length: '1d' }] } })).toEqual([
      'schedule.shifts[1] (grace): overlaps schedule.shifts[0] (ada) from 2026-11-03T09:00 Europe/Berlin to 2026-11-04T09:00 Europe/Berlin; one person is primary at a time (use overrides for swaps)',
    ]);
  });

  it('an unknown person in an override, an owner or the order', () => {
    expect(problemsOf({ overrides: [{ person: 'bob', from: '2026-12-24', to: '2026-12-26' }], owners: { ...owners, backup: 'carol' } })).toEqual([
      'overrides[0] (bob): unknown person "bob"; add them to people or use one of ada, grace, linus',
      'owners.backup: unknown person "carol"; add them to people or use one of ada, grace, linus',
    ]);
    expect(problemsOf({ schedule: { weekly: { start: '2026-03-23', order: ['ada', 'zed'] } } })).toEqual(['schedule.weekly.order[1]: unknown person "zed"; add them to people or use one of ada, grace, linus']);
  });

  it('with two people, an override without a secondary, or with its primary as secondary', () => {
    const two = { people: people.slice(0, 2), schedule: { weekly: { start: '2026-03-23', order: ['ada', 'grace'] } } };
    expect(problemsOf({ ...two, overrides: [{ person: 'grace', from: '2026-03-24', to: '2026-03-25' }, { person: 'ada', from: '2026-04-01', to: '2026-04-02', secondary: 'ada' }] })).toEqual([
      'overrides[0] (grace): name its secondary; with two people the only other one is the person it displaces',
      'overrides[1] (ada).secondary: the primary cannot be their own secondary',
    ]);
  });

  it('an escalation delay not longer than the primary\'s page (10s), naming the key and the minimum', () => {
    const problem = 'escalation_delay: 10s must be longer than 10s, the wait before the primary is paged — or the secondary is paged first; give the primary time to acknowledge (e.g. 15m)';
    expect(problemsOf({ escalation_delay: '10s' })).toEqual([problem]);
    expect(problemsOf({ escalation_delay: '5s' })).toEqual([problem.replace('escalation_delay: 10s', 'escalation_delay: 5s')]);
    expect(rotationOf({ escalation_delay: '11s' }).escalationDelayMs).toBe(11_000);
  });

  it('overlapping overrides, and one that ends before it starts', () => {
    expect(problemsOf({ overrides: [{ person: 'linus', from: '2026-12-24', to: '2026-12-27' }, { person: 'grace', from: '2026-12-26', to: '2026-12-25' }, { person: 'ada', from: '2026-12-26', to: '2026-12-28' }] })).toEqual([
      'overrides[1] (grace): to (2026-12-25T09:00 Europe/Berlin) is not after from (2026-12-26T09:00 Europe/Berlin)',
      'overrides[2] (ada): overlaps overrides[0] (linus) from 2026-12-26T09:00 Europe/Berlin; merge them or make one end where the other starts',
    ]);
  });

  it('a bad timezone, phone, email, handoff; an area that is not kebab-case', () => {
    const problems = problemsOf({ timezone: 'CET+1', people: [{ ...people[0], phone: '555-0101', email: 'ada.example.com' }, ...people.slice(1)], handoff: '9am', owners: { ...owners, DNS_zone: 'ada' } });
    expect(problems).toEqual([
      'handoff: a time of day as HH:MM, such as 09:00',
      'people[0].email: an email address such as ada@example.com',
      'people[0].phone: a phone number in E.164 form, such as +12025550101',
      expect.stringMatching(/^owners\.DNS_zone: .*kebab-case/),
      // The rotation-level checks run too, though other entries failed: the zone is named.
      'timezone: "CET+1" is not an IANA time zone; use a name such as Europe/Berlin or America/New_York (`timedatectl list-timezones`)',
    ]);
    // A gap and an unknown person beside a broken part are listed with it.
    expect(problemsOf({ handoff: '25:00', escalation_delay: 'soon', overrides: [{ person: 'bob', from: '2026-12-24', to: '2026-12-26' }] })).toEqual([
      'handoff: a time of day as HH:MM, such as 09:00',
      'escalation_delay: a duration such as 1w, 3d, 12h, 10m or 30s',
      'overrides[0] (bob): unknown person "bob"; add them to people or use one of ada, grace, linus',
    ]);
    expect(problemsOf({ people: [{ id: 'ada' }, ...people.slice(1)], schedule: { shifts: [{ person: 'ada', start: '2026-11-02', length: '1d' }, { person: 'grace', start: '2026-11-03T12:00', length: '1d' }] } })).toEqual([
      expect.stringMatching(/^people\[0\]\.name: /),
      expect.stringMatching(/^people\[0\]\.email: /),
      expect.stringMatching(/^people\[0\]\.slack: /),
      expect.stringMatching(/^people\[0\]\.phone: /),
      'schedule.shifts[1] (grace): gap — nobody is on call from 2026-11-03T09:00 Europe/Berlin to 2026-11-03T12:00 Europe/Berlin (after schedule.shifts[0] (ada)); start it when the previous shift ends',
    ]);
    expect(problemsOf({ timezone: 'Mars/Olympus' })).toEqual(['timezone: "Mars/Olympus" is not an IANA time zone; use a name such as Europe/Berlin or America/New_York (`timedatectl list-timezones`)']);
  });

  it('the message names the file; a missing file says which setting points at it', () => {
    expect(() => loadRotation('/nonexistent/rotation.yaml')).toThrow('/nonexistent/rotation.yaml is not a valid on-call rotation; nothing was used. Fix:\n  - cannot read it (ENOENT); point SATVACH_ONCALL_ROTATION');
    expect(parse(stringify(base))).toEqual(base);
  });
});
