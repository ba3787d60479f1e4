import { describe, expect, it } from 'vitest';
import { toRecord } from './record.ts';

const at = { service: 'backend', container: 'satvach-backend-1', stream: 'stdout', time: '2026-12-02T06:40:00.123456789Z' } as const;

describe('toRecord', () => {
  it("turns a structlog line into fields: event as the message, its level and request_id", () => {
    const line = '{"method": "GET", "route": "/api/v1/places/nearby", "status": 200, "request_id": "r-1", "event": "request", "level": "info", "logger": "satvach.access", "timestamp": "2026-12-02T06:40:00.1Z"}';
    expect(toRecord({ ...at, line })).toEqual({
      _time: at.time,
      _msg: 'request',
      service: 'backend',
      container: 'satvach-backend-1',
      stream: 'stdout',
      level: 'info',
      method: 'GET',
      route: '/api/v1/places/nearby',
      status: '200',
      request_id: 'r-1',
      event: 'request',
      logger: 'satvach.access',
      timestamp: '2026-12-02T06:40:00.1Z',
    });
  });

  it('gives an nginx access line (no level) a message of method, uri and status, and a level from the status', () => {
    const line = '{"time":"2026-12-02T06:40:00+00:00","request_id":"r-2","method":"GET","uri":"/api/v1/x","status":503,"bytes":12}';
    const record = toRecord({ ...at, service: 'edge', line });
    expect(record).toMatchObject({ _msg: 'GET /api/v1/x 503', level: 'error', request_id: 'r-2', status: '503', service: 'edge' });
    expect(toRecord({ ...at, line: line.replace('503', '404') }).level).toBe('warning');
    expect(toRecord({ ...at, line: line.replace('503', '200') }).level).toBe('info');
  });

  it('keeps a plain-text line whole, at level error when it came on stderr', () => {
    expect(toRecord({ ...at, line: 'Traceback (most recent call last):' })).toMatchObject({ _msg: 'Traceback (most recent call last):', level: 'info' });
    expect(toRecord({ ...at, stream: 'stderr', line: 'boom' })).toMatchObject({ _msg: 'boom', level: 'error' });
    expect(toRecord({ ...at, line: '{not json' })._msg).toBe('{not json');
    expect(toRecord({ ...at, line: '[1,2]' })._msg).toBe('[1,2]');
  });

  it('never lets a line set the reserved fields (time, service, stream) and normalizes level names', () => {
    const line = '{"_time":"1999-01-01T00:00:00Z","_msg":"x","service":"edge","stream":"stderr","container":"other","level":"WARN","event":"e","nested":{"a":1}}';
    expect(toRecord({ ...at, line })).toMatchObject({ _time: at.time, _msg: 'e', service: 'backend', stream: 'stdout', container: 'satvach-backend-1', level: 'warning', nested: '{"a":1}' });
  });
});
