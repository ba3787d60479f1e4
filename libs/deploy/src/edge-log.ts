/**
 * One line of the edge's JSON access log (apps/frontend/nginx/nginx.conf `log_format json`), as the
 * deploy's canary analysis and `stack:diagnose` both read it.
 */
export interface EdgeLogLine {
  /** Milliseconds since the epoch; NaN when the line has no readable time. */
  readonly at: number;
  readonly uri: string;
  /** What the edge answered; undefined when the line has no numeric status. */
  readonly status: number | undefined;
  /** Seconds the edge spent on the request (NaN when absent). */
  readonly requestTime: number;
  /** nginx's `$upstream_*` values as logged: one per attempt, separated as nginx does ("-" for none). */
  readonly upstream: string;
  readonly upstreamStatus: string;
  readonly upstreamTime: string;
}

/** The JSON lines of the edge's output; nginx's own messages on the same stream are skipped. */
export function parseEdgeLogLines(text: string): EdgeLogLine[] {
  const lines: EdgeLogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    lines.push({
      at: Date.parse(String(entry.time ?? '')),
      uri: String(entry.uri ?? ''),
      status: typeof entry.status === 'number' ? entry.status : undefined,
      requestTime: Number(entry.request_time),
      upstream: String(entry.upstream ?? ''),
      upstreamStatus: String(entry.upstream_status ?? ''),
      upstreamTime: String(entry.upstream_time ?? ''),
    });
  }
  return lines;
}
