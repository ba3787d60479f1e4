import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { join } from 'node:path';
import { loadRotation, PRIMARY_PAGE_WAIT } from '@satvach/oncall';
import { RECEIVERS, renderAlertmanagerConfig } from './alertmanager.ts';
import { intervalEntries, oncallRouting } from './oncall.ts';
import { VALID_ALERT_ENV } from './testing/env.ts';
import { rotationAnchoredAt } from './testing/rotation.ts';

const rotation = loadRotation(join(import.meta.dirname, '../../../runbooks/oncall/rotation.yaml'));
const now = new Date('2026-12-02T10:00:00Z');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const render = (options: Record<string, unknown> = {}) => parse(renderAlertmanagerConfig(VALID_ALERT_ENV, { secretsDir: '/etc/alertmanager/secrets', rotation, now, ...options }).config) as any;
const utc = (iso: string) => new Date(iso).getTime();

describe('a shift as Alertmanager time intervals (UTC)', () => {
  it('a week from Monday 09:00 in Berlin (08:00 UTC): the rest of Monday, Tuesday to Sunday, Monday until 08:00', () => {
    expect(intervalEntries(utc('2026-12-07T08:00:00Z'), utc('2026-12-14T08:00:00Z'))).toEqual([
      { years: ['2026'], months: ['12'], days_of_month: ['7'], times: [{ start_time: '08:00', end_time: '24:00' }] },
      { years: ['2026'], months: ['12'], days_of_month: ['8:13'] },
      { years: ['2026'], months: ['12'], days_of_month: ['14'], times: [{ start_time: '00:00', end_time: '08:00' }] },
    ]);
  });

  it('splits whole days at a month and a year boundary', () => {
    expect(intervalEntries(utc('2026-12-28T08:00:00Z'), utc('2027-01-04T08:00:00Z')).map((entry) => [entry.years[0], entry.months[0], entry.days_of_month[0], entry.times?.[0]?.start_time])).toEqual([
      ['2026', '12', '28', '08:00'],
      ['2026', '12', '29:31', undefined],
      ['2027', '1', '1:3', undefined],
      ['2027', '1', '4', '00:00'],
    ]);
  });

  it('across the DST change the 09:00 Berlin handoff moves from 08:00 to 07:00 UTC', () => {
    const week = rotationAnchoredAt(new Date('2026-03-26T12:00:00Z'), { week: 0, zone: 'Europe/Berlin' }).at(new Date('2026-03-26T12:00:00Z'));
    const entries = intervalEntries(week.start, week.end);
    expect([entries[0]?.days_of_month[0], entries[0]?.times?.[0]?.start_time, entries.at(-1)?.days_of_month[0], entries.at(-1)?.times?.[0]?.end_time]).toEqual(['23', '08:00', '30', '07:00']);
  });

  it('a stretch within one day, and one ending at midnight UTC', () => {
    expect(intervalEntries(utc('2026-12-24T08:00:00Z'), utc('2026-12-24T20:30:00Z'))).toEqual([{ years: ['2026'], months: ['12'], days_of_month: ['24'], times: [{ start_time: '08:00', end_time: '20:30' }] }]);
    expect(intervalEntries(utc('2026-12-24T08:00:00Z'), utc('2026-12-26T00:00:00Z')).map((entry) => entry.days_of_month[0])).toEqual(['24', '25']);
  });
});

describe('the rotation in the Alertmanager config', () => {
  it('the critical route keeps the team channels first, then pages each primary, then each secondary after the delay', () => {
    const critical = render().route.routes[1];
    expect([critical.receiver, critical.matchers, critical.group_wait]).toEqual([RECEIVERS.critical, ['severity="critical"'], '10s']);
    expect(critical.routes.map((route: Record<string, unknown>) => [route.receiver, route.active_time_intervals?.toString(), route.group_wait, route.continue])).toEqual([
      [RECEIVERS.critical, undefined, undefined, true],
      ...['ada', 'grace', 'linus', 'margaret'].map((id) => [`oncall-${id}`, `oncall-primary-${id}`, undefined, true]),
      ...['ada', 'grace', 'linus', 'margaret'].map((id) => [`oncall-${id}`, `oncall-secondary-${id}`, '15m', true]),
    ]);
  });

  it('one receiver per person: their email, and an SMS to their phone through SNS', () => {
    const ada = render().receivers.find((receiver: { name: string }) => receiver.name === 'oncall-ada');
    expect(ada.email_configs).toEqual([{ to: 'ada@example.com', send_resolved: true }]);
    expect(ada.sns_configs[0]).toMatchObject({ phone_number: '+12025550101', sigv4: { region: 'eu-west-1' } });
    expect(ada.sns_configs[0].topic_arn).toBeUndefined();
  });

  it('the time intervals follow the timeline, override included: Linus is primary over Christmas', () => {
    const routing = oncallRouting(rotation, now, 6);
    const linus = routing.timeIntervals.find((interval) => interval.name === 'oncall-primary-linus')?.time_intervals.map((entry) => `${entry.months[0]}/${entry.days_of_month[0]}${entry.times ? ` ${entry.times[0]?.start_time}-${entry.times[0]?.end_time}` : ''}`);
    expect(linus).toEqual(['12/14 08:00-24:00', '12/15:20', '12/21 00:00-08:00', '12/24 08:00-24:00', '12/25:26', '12/27 00:00-08:00', '1/11 08:00-24:00', '1/12:17', '1/18 00:00-08:00']);
  });

  it('without a rotation the config is as before: no person receivers, no time intervals', () => {
    const config = parse(renderAlertmanagerConfig(VALID_ALERT_ENV, { secretsDir: '/etc/alertmanager/secrets' }).config);
    expect(config.time_intervals).toBeUndefined();
    expect(config.route.routes[1].routes).toBeUndefined();
    expect(config.receivers).toHaveLength(4);
  });

  it('the critical route pages the primary after the wait the rotation\'s escalation delay must exceed (checked on load)', () => {
    expect(render().route.routes[1].group_wait).toBe(PRIMARY_PAGE_WAIT);
  });
});
