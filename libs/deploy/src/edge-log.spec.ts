import { describe, expect, it } from 'vitest';
import { parseEdgeLogLines } from './edge-log.ts';

describe('the edge access log lines', () => {
  it('reads every JSON line as nginx logs it; nginx\'s own messages and broken lines are skipped', () => {
    const text = [
      '{"time":"2026-12-02T10:00:00+00:00","uri":"/api/v1/places","status":502,"request_time":0.2,"upstream":"127.0.0.1:8001, 127.0.0.1:8002","upstream_status":"502, 200","upstream_time":"0.1, 0.1"}',
      '2026/12/02 10:00:01 [error] 7#7: *1 limiting requests, excess: 40.1 by zone "api", client: 127.0.0.2',
      '{"time":"2026-12-02T10:00:01+00:00","uri":"/api/v1/places","status":429,"request_time":0.000,"upstream":"-","upstream_status":"-","upstream_time":"-"}',
      '{"time":',
      '{"uri":"/"}',
    ].join('\n');
    expect(parseEdgeLogLines(text)).toEqual([
      { at: Date.parse('2026-12-02T10:00:00Z'), uri: '/api/v1/places', status: 502, requestTime: 0.2, upstream: '127.0.0.1:8001, 127.0.0.1:8002', upstreamStatus: '502, 200', upstreamTime: '0.1, 0.1' },
      { at: Date.parse('2026-12-02T10:00:01Z'), uri: '/api/v1/places', status: 429, requestTime: 0, upstream: '-', upstreamStatus: '-', upstreamTime: '-' },
      { at: Number.NaN, uri: '/', status: undefined, requestTime: Number.NaN, upstream: '', upstreamStatus: '', upstreamTime: '' },
    ]);
  });
});
