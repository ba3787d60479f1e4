import { describe, expect, it } from 'vitest';
import { formatTable } from './table.ts';

describe('formatTable', () => {
  it('pads every column to its widest cell, two spaces apart, without trailing blanks', () => {
    expect(formatTable([['SERVICE', 'STATE', 'SECONDS'], ['db', 'running', '3'], ['backend-migrate', 'exited (0)', '12']])).toBe(
      ['SERVICE          STATE       SECONDS', 'db               running     3', 'backend-migrate  exited (0)  12'].join('\n'),
    );
  });

  it('lets the last cell of a short row run on without widening its column', () => {
    expect(formatTable([['serving', 'blue', 'v2'], ['previous', '-'], ['edge', 'satvach-edge: blue 100 % (/srv/upstream.conf)']])).toBe(
      ['serving   blue  v2', 'previous  -', 'edge      satvach-edge: blue 100 % (/srv/upstream.conf)'].join('\n'),
    );
  });

  it('leaves an empty last column out of the line', () => {
    expect(formatTable([['stamp', ''], ['20260101T030000Z', 'latest'], ['20260102T030000Z', '']])).toBe(
      ['stamp', '20260101T030000Z  latest', '20260102T030000Z'].join('\n'),
    );
  });
});
