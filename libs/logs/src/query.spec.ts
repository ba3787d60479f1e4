import { describe, expect, it } from 'vitest';
import { buildLogsQuery, formatEntries, quoteLogsQL, sinceFilter } from './query.ts';

describe('buildLogsQuery', () => {
  it('with no option: every line, the newest 1000', () => {
    expect(buildLogsQuery({})).toEqual({ query: '* | sort by (_time desc) | limit 1000', limit: 1000 });
  });

  it('combines every option by AND, values quoted, the extra LogsQL in parentheses', () => {
    expect(buildLogsQuery({ service: 'backend', requestId: 'abc-1', since: '15m', level: 'error', query: 'status:>=500 OR "timeout"', limit: 50 }).query).toBe(
      '_time:15m AND service:="backend" AND request_id:="abc-1" AND level:="error" AND (status:>=500 OR "timeout") | sort by (_time desc) | limit 50',
    );
  });

  it('quotes a request id so that quotes, pipes and operators stay inside the value', () => {
    const hostile = 'x" OR service:="edge" | delete';
    expect(quoteLogsQL(hostile)).toBe('"x\\" OR service:=\\"edge\\" | delete"');
    expect(buildLogsQuery({ requestId: hostile }).query).toBe('request_id:="x\\" OR service:=\\"edge\\" | delete" | sort by (_time desc) | limit 1000');
    expect(quoteLogsQL('back\\slash\nnewline')).toBe('"back\\\\slash\\nnewline"');
  });

  it('takes --since as a duration or an RFC 3339 time', () => {
    expect(sinceFilter('30s')).toBe('_time:30s');
    expect(sinceFilter('2w')).toBe('_time:2w');
    expect(sinceFilter('2026-12-01T08:00:00Z')).toBe('_time:>=2026-12-01T08:00:00Z');
    expect(sinceFilter('2026-12-01T08:00:00.5+05:30')).toBe('_time:>=2026-12-01T08:00:00.5+05:30');
  });

  it('names the option and the accepted forms on bad input', () => {
    expect(() => buildLogsQuery({ since: 'yesterday' })).toThrow('--since="yesterday" is neither a duration (30s, 15m, 2h, 7d, 1w) nor an RFC 3339 time');
    expect(() => buildLogsQuery({ since: '15 minutes' })).toThrow('--since="15 minutes"');
    expect(() => buildLogsQuery({ since: '2026-02-30T25:00:00Z' })).toThrow('--since="2026-02-30T25:00:00Z"');
    expect(() => buildLogsQuery({ level: 'loud' })).toThrow('--level="loud" is not one of debug, info, warning, error, critical');
    expect(() => buildLogsQuery({ limit: 0 })).toThrow('--limit=0 must be a whole number of lines, at least 1');
    expect(() => buildLogsQuery({ limit: 2.5 })).toThrow('--limit=2.5');
    expect(() => buildLogsQuery({ requestId: '' })).toThrow('--request-id is empty');
  });
});

describe('formatEntries', () => {
  it('one line per entry: time, service, level, request id, message, each column padded to its widest value', () => {
    expect(
      formatEntries([
        { _time: '2026-12-02T06:40:00.1Z', _msg: 'GET /api 200', service: 'edge', level: 'info', request_id: 'r-1' },
        { _time: '2026-12-02T06:40:00.25Z', _msg: 'request', service: 'backend', level: 'warning', request_id: 'r-1' },
        { _time: '2026-12-02T06:40:01Z', _msg: 'started' },
      ]),
    ).toEqual([
      '2026-12-02T06:40:00.1Z   edge     info     r-1  GET /api 200',
      '2026-12-02T06:40:00.25Z  backend  warning  r-1  request',
      '2026-12-02T06:40:01Z     -        -        -    started',
    ]);
  });
});
