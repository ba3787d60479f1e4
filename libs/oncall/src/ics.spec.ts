import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { foldLine, renderIcs } from './ics.ts';
import { weeksAhead } from './report.ts';
import { loadRotation } from './rotation.ts';

const rotation = loadRotation(join(import.meta.dirname, '../../../runbooks/oncall/rotation.yaml'));

describe('the on-call calendar (RFC 5545)', () => {
  const from = new Date('2026-12-02T10:00:00Z');
  const timeline = weeksAhead(rotation, from, 6);
  const text = renderIcs(timeline, { now: from });

  it('parses back with ical.js: one event per stretch, at the right instants, for the right people', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    const events = calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
    expect(events).toHaveLength(timeline.length);
    expect(timeline.length).toBeGreaterThanOrEqual(6);
    events.forEach((event, index) => {
      const stretch = timeline[index]!;
      expect(event.startDate.toJSDate().getTime()).toBe(stretch.start);
      expect(event.endDate.toJSDate().getTime()).toBe(stretch.end);
      expect(event.summary).toBe(`On call: ${stretch.primary.name} (secondary ${stretch.secondary.name})`);
      expect(event.uid).toMatch(new RegExp(`^${stretch.primary.id}-\\d{8}T\\d{6}Z@oncall\\.satvach$`));
      expect(event.description).toContain(`Primary: ${stretch.primary.name}, ${stretch.primary.email}, ${stretch.primary.slack}, ${stretch.primary.phone}`);
      expect(event.component.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-12-02T10:00:00Z');
    });
    expect(events.map((event) => event.summary.replace(/ \(.*/, ''))).toEqual([
      'On call: Ada Example', 'On call: Grace Example', 'On call: Linus Example', 'On call: Margaret Example', 'On call: Linus Example', 'On call: Margaret Example', 'On call: Ada Example', 'On call: Grace Example', 'On call: Linus Example',
    ]);
  });

  it('uses CRLF, and no line is longer than 75 octets', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text).toMatch(/\r\n [^\r\n]/); // the descriptions are folded
  });

  it('folds at 75 octets without splitting a multi-byte character, and unfolding restores the line', () => {
    const line = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });
});
