import { type LogRecord } from './record.ts';
import { timestampNanos } from './time.ts';

/**
 * Where records go. `jsonline` is VictoriaLogs' native JSON-lines API (every field indexed); `loki`
 * is Grafana Loki's push API, which VictoriaLogs also accepts at /insert/loki/api/v1/push — point
 * the shipper at a real Loki by changing the base URL.
 */
export type SinkFormat = 'jsonline' | 'loki';

export interface PushRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Few, stable stream fields: one stream per service and output, as VictoriaLogs recommends. */
export const STREAM_FIELDS = ['service', 'stream'] as const;

/**
 * The HTTP request that stores `records`. `baseUrl`: for jsonline the store's root
 * (http://victorialogs:9428); for loki the prefix before /loki/api/v1/push — http://loki:3100 for
 * Grafana Loki, http://victorialogs:9428/insert for VictoriaLogs.
 */
export function pushRequest(format: SinkFormat, baseUrl: string, records: readonly LogRecord[]): PushRequest {
  const root = baseUrl.replace(/\/+$/, '');
  if (format === 'jsonline') {
    const params = new URLSearchParams({ _stream_fields: STREAM_FIELDS.join(','), _msg_field: '_msg', _time_field: '_time' });
    return {
      url: `${root}/insert/jsonline?${params}`,
      // Without this content type VictoriaLogs answers 200 and stores nothing.
      headers: { 'Content-Type': 'application/stream+json' },
      body: records.map((record) => JSON.stringify(record)).join('\n') + '\n',
    };
  }
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string, Record<string, string>][] }>();
  for (const record of records) {
    const labels = Object.fromEntries(STREAM_FIELDS.map((name) => [name, record[name] ?? '']));
    const key = JSON.stringify(labels);
    const { _time, _msg, ...fields } = record;
    for (const name of STREAM_FIELDS) delete fields[name];
    // Loki 3's structured metadata keeps request_id, level… queryable without being labels.
    const values = streams.get(key)?.values ?? [];
    values.push([timestampNanos(_time).toString(), _msg, fields]);
    streams.set(key, { stream: labels, values });
  }
  return {
    url: `${root}/loki/api/v1/push`,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ streams: [...streams.values()] }),
  };
}
