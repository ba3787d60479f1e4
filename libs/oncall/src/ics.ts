import type { OnCall } from './rotation.ts';

/** RFC 5545 TEXT escaping: backslash, semicolon, comma and newline. */
const escapeText = (text: string) => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** `20261201T080000Z`: UTC, so no VTIMEZONE is needed and every client agrees on the instant. */
const utcStamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * RFC 5545 §3.1: lines longer than 75 octets are folded with CRLF and one space; a fold never splits
 * a UTF-8 character.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // Continuation lines start with the space, which counts towards their 75.
    if (octets + size > 75) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

export interface IcsOptions {
  /** DTSTAMP: when the calendar was made. */
  readonly now: Date;
  /** Stable UID suffix, so a re-exported calendar updates the same events. */
  readonly domain?: string;
}

/** One VEVENT per stretch of the timeline: who is primary, who is secondary. */
export function renderIcs(timeline: readonly OnCall[], options: IcsOptions): string {
  const domain = options.domain ?? 'oncall.satvach';
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//SatVach//on-call rotation//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', 'X-WR-CALNAME:SatVach on call'];
  for (const stretch of timeline) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${stretch.primary.id}-${utcStamp(stretch.start)}@${domain}`,
      `DTSTAMP:${utcStamp(options.now.getTime())}`,
      `DTSTART:${utcStamp(stretch.start)}`,
      `DTEND:${utcStamp(stretch.end)}`,
      `SUMMARY:${escapeText(`On call: ${stretch.primary.name} (secondary ${stretch.secondary.name})`)}`,
      `DESCRIPTION:${escapeText(`Primary: ${stretch.primary.name}, ${stretch.primary.email}, ${stretch.primary.slack}, ${stretch.primary.phone}\nSecondary: ${stretch.secondary.name}, ${stretch.secondary.email}, ${stretch.secondary.slack}, ${stretch.secondary.phone}\nFrom: ${stretch.source}`)}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
