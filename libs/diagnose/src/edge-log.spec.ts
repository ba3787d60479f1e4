import { describe, expect, it } from 'vitest';
import { trafficOf, windowOf } from './edge-log.ts';

const line = (time: string, status: number, uri = '/api/v1/places/nearby') =>
  JSON.stringify({ time, request_id: 'r', remote: '127.0.0.1', method: 'GET', uri, status, bytes: 10, encoding: '', request_time: 0.01, upstream: '127.0.0.1:8000', upstream_status: String(status), upstream_time: '0.01', user_agent: 'x' });

describe('the edge access log', () => {
  const text = [
    line('2026-12-02T10:00:00+00:00', 200),
    '2026/12/02 10:00:01 [error] 7#7: *1 limiting requests, excess: 40.1 by zone "api", client: 127.0.0.2',
    line('2026-12-02T10:00:01+00:00', 429),
    line('2026-12-02T10:00:02+00:00', 502),
    line('2026-12-02T10:00:02+00:00', 200, '/healthz'),
    line('2026-12-02T10:00:03+00:00', 200, '/stub_status'),
    line('2026-12-02T10:04:59+00:00', 503),
  ].join('\n');

  it('keeps traffic lines (not nginx messages, not the healthcheck or the exporter\'s scrape)', () => {
    expect(trafficOf(text).map((entry) => entry.status)).toEqual([200, 429, 502, 503]);
  });

  it('counts 5xx and 429 from a start time on, lines of the start second included', () => {
    const lines = trafficOf(text);
    const now = Date.parse('2026-12-02T10:05:00Z');
    expect(windowOf(lines, Date.parse('2026-12-02T10:00:00Z'), now)).toEqual({ seconds: 300, requests: 4, errors5xx: 2, tooMany: 1 });
    expect(windowOf(lines, Date.parse('2026-12-02T10:00:01.700Z'), now)).toEqual({ seconds: 298, requests: 3, errors5xx: 2, tooMany: 1 });
    expect(windowOf(lines, Date.parse('2026-12-02T10:04:00Z'), now)).toEqual({ seconds: 60, requests: 1, errors5xx: 1, tooMany: 0 });
  });
});
