import { timestampNanos } from './time.ts';
import { formatTable } from '@satvach/exec';

/**
 * `stack:logs`: the LogsQL query for a set of options, built as data (tested as data), run against
 * VictoriaLogs' /select/logsql/query, and the matching lines of all services printed in time order.
 */
export interface LogsFilter {
  readonly service?: string;
  readonly requestId?: string;
  /** How far back: a duration (30s, 15m, 2h, 7d, 1w) or an RFC 3339 time (2026-12-01T08:00:00Z). */
  readonly since?: string;
  readonly level?: string;
  /** Extra LogsQL, combined with the others by AND. */
  readonly query?: string;
  readonly limit?: number;
}

export const DEFAULT_LIMIT = 1000;
export const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;

export class LogsOptionError extends Error {
  override readonly name = 'LogsOptionError';
}

/**
 * A LogsQL quoted string: JSON's escaping is the Go syntax LogsQL reads, so quotes, backslashes,
 * pipes and spaces in a value stay inside the value and cannot add filters or pipes.
 */
export const quoteLogsQL = (value: string) => JSON.stringify(value);

const DURATION = /^\d+(s|m|h|d|w)$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

export function sinceFilter(since: string): string {
  if (DURATION.test(since)) return `_time:${since}`;
  if (RFC3339.test(since) && !Number.isNaN(Date.parse(since))) return `_time:>=${since}`;
  throw new LogsOptionError(`--since="${since}" is neither a duration (30s, 15m, 2h, 7d, 1w) nor an RFC 3339 time (2026-12-01T08:00:00Z)`);
}

/** The whole query: filters, then the newest `limit` lines (sorted ascending by the caller). */
export function buildLogsQuery(filter: LogsFilter): { query: string; limit: number } {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new LogsOptionError(`--limit=${String(filter.limit)} must be a whole number of lines, at least 1`);
  if (filter.level !== undefined && !(LEVELS as readonly string[]).includes(filter.level)) {
    throw new LogsOptionError(`--level="${filter.level}" is not one of ${LEVELS.join(', ')}`);
  }
  if (filter.requestId !== undefined && filter.requestId === '') throw new LogsOptionError('--request-id is empty; give the X-Request-ID of the request');
  const parts = [
    filter.since === undefined ? undefined : sinceFilter(filter.since),
    filter.service === undefined ? undefined : `service:=${quoteLogsQL(filter.service)}`,
    filter.requestId === undefined ? undefined : `request_id:=${quoteLogsQL(filter.requestId)}`,
    filter.level === undefined ? undefined : `level:=${quoteLogsQL(filter.level)}`,
    filter.query === undefined || filter.query.trim() === '' ? undefined : `(${filter.query})`,
  ].filter((part): part is string => part !== undefined);
  return { query: `${parts.length > 0 ? parts.join(' AND ') : '*'} | sort by (_time desc) | limit ${limit}`, limit };
}

export interface LogEntry {
  readonly _time: string;
  readonly _msg: string;
  readonly [field: string]: string;
}

export class LogStoreError extends Error {
  override readonly name = 'LogStoreError';
}

async function call(fetchFn: typeof fetch, url: string, params: URLSearchParams): Promise<string> {
  let response: Response;
  try {
    response = await fetchFn(url, { method: 'POST', body: params, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    // undici's "fetch failed" hides the reason in its cause (an AggregateError when several addresses were tried).
    const cause = (error as { cause?: { code?: string; errors?: { code?: string }[]; message?: string } }).cause;
    const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
    throw new LogStoreError(`cannot reach VictoriaLogs at ${new URL(url).origin} (${reason}): start it with \`nx run stack:up --profiles=logging\`, or pass --url=<its address>`);
  }
  const text = await response.text();
  if (!response.ok) throw new LogStoreError(`VictoriaLogs at ${url} answered HTTP ${response.status}: ${text.trim().slice(0, 500)}`);
  return text;
}

/**
 * The matching lines, oldest first. A --service that matches nothing is checked against the services
 * that have logged at all, so a typo is named as one instead of looking like a quiet service.
 */
export async function queryLogs(baseUrl: string, filter: LogsFilter, fetchFn: typeof fetch = fetch): Promise<LogEntry[]> {
  const { query } = buildLogsQuery(filter);
  const text = await call(fetchFn, `${baseUrl.replace(/\/+$/, '')}/select/logsql/query`, new URLSearchParams({ query }));
  const entries = text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as LogEntry).map((entry) => ({ entry, nanos: timestampNanos(entry._time) }));
  if (entries.length === 0 && filter.service !== undefined) {
    const known = await knownServices(baseUrl, undefined, fetchFn);
    if (!known.includes(filter.service)) {
      throw new LogsOptionError(`--service="${filter.service}" has no logs at all; services with logs: ${known.join(', ') || 'none yet (is the logging profile running?)'}`);
    }
  }
  return entries.sort((a, b) => (a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0)).map(({ entry }) => entry);
}

/** The services that have logged within the filter's time range, to name the known ones when --service matches none. */
export async function knownServices(baseUrl: string, since: string | undefined, fetchFn: typeof fetch = fetch): Promise<string[]> {
  const query = since === undefined ? '*' : sinceFilter(since);
  const text = await call(fetchFn, `${baseUrl.replace(/\/+$/, '')}/select/logsql/field_values`, new URLSearchParams({ query, field: 'service' }));
  return ((JSON.parse(text) as { values?: { value: string }[] }).values ?? []).map((v) => v.value).sort();
}

/** One line per entry: time, service, level, request id, message — columns aligned (the shared table renderer). */
export function formatEntries(entries: readonly LogEntry[]): string[] {
  if (entries.length === 0) return [];
  return formatTable(entries.map((entry) => [entry._time, entry.service ?? '-', entry.level ?? '-', entry.request_id ?? '-', entry._msg ?? ''])).split('\n');
}
