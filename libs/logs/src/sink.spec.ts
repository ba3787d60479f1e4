import { describe, expect, it } from 'vitest';
import { type LogRecord } from './record.ts';
import { pushRequest } from './sink.ts';

const records: LogRecord[] = [
  { _time: '2026-12-02T06:40:00.000000001Z', _msg: 'request', service: 'backend', stream: 'stdout', request_id: 'r-1' },
  { _time: '2026-12-02T06:40:00.5Z', _msg: 'GET / 200', service: 'edge', stream: 'stdout', request_id: 'r-1' },
  { _time: '2026-12-02T06:40:01Z', _msg: 'other', service: 'backend', stream: 'stdout' },
];

describe('pushRequest', () => {
  it('jsonline: the stream content type (without it VictoriaLogs drops everything), field params and one JSON object per line', () => {
    const request = pushRequest('jsonline', 'http://victorialogs:9428/', records);
    expect(request.url).toBe('http://victorialogs:9428/insert/jsonline?_stream_fields=service%2Cstream&_msg_field=_msg&_time_field=_time');
    expect(request.headers).toEqual({ 'Content-Type': 'application/stream+json' });
    expect(request.body.split('\n')).toEqual([...records.map((r) => JSON.stringify(r)), '']);
  });

  it("loki: one stream per service and output, nanosecond timestamps, the other fields as structured metadata", () => {
    const request = pushRequest('loki', 'http://loki:3100', records);
    expect(request.url).toBe('http://loki:3100/loki/api/v1/push');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(JSON.parse(request.body)).toEqual({
      streams: [
        {
          stream: { service: 'backend', stream: 'stdout' },
          values: [
            ['1796193600000000001', 'request', { request_id: 'r-1' }],
            ['1796193601000000000', 'other', {}],
          ],
        },
        { stream: { service: 'edge', stream: 'stdout' }, values: [['1796193600500000000', 'GET / 200', { request_id: 'r-1' }]] },
      ],
    });
  });
});
