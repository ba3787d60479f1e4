/**
 * One container log line turned into a log-store record. Our services already write JSON lines
 * (the backend's structlog, the edge's nginx access log); their keys become fields, so a query can
 * filter on service, level and request_id without parsing text.
 */
export interface LogLine {
  /** The compose service (label com.docker.compose.service), or the container name outside compose. */
  readonly service: string;
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  /** Docker's RFC 3339 timestamp with nanoseconds: when the engine received the line. */
  readonly time: string;
  readonly line: string;
}

/** Flat string fields, as VictoriaLogs stores them; `_time` and `_msg` are its reserved names. */
export type LogRecord = Record<string, string> & { _time: string; _msg: string; service: string; stream: string };

const LEVELS: Record<string, string> = { warn: 'warning', err: 'error', fatal: 'critical', crit: 'critical' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** nginx access lines carry no level: 5xx is an error, 4xx a warning, the rest info. */
function levelOfStatus(status: unknown): string | undefined {
  const code = Number(status);
  if (!Number.isInteger(code) || code < 100) return undefined;
  return code >= 500 ? 'error' : code >= 400 ? 'warning' : 'info';
}

export function toRecord(entry: LogLine): LogRecord {
  const base = { _time: entry.time, service: entry.service, container: entry.container, stream: entry.stream };
  let parsed: unknown;
  try {
    parsed = entry.line.startsWith('{') ? JSON.parse(entry.line) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ...base, _msg: entry.line, level: entry.stream === 'stderr' ? 'error' : 'info' };
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // The store's own names stay ours: a line cannot move itself in time or into another service.
    if (key.startsWith('_') || key in base || value === null || value === undefined) continue;
    fields[key] = text(value);
  }
  const object = parsed as Record<string, unknown>;
  const rawLevel = typeof object.level === 'string' ? object.level.toLowerCase() : levelOfStatus(object.status) ?? 'info';
  const message = object.event ?? object.msg ?? object.message ?? (object.method && object.uri ? `${text(object.method)} ${text(object.uri)} ${text(object.status)}` : entry.line);
  return { ...fields, ...base, _msg: text(message), level: LEVELS[rawLevel] ?? rawLevel };
}
