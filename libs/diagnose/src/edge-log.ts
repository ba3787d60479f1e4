import type { EdgeWindow } from './observations.ts';

/** The edge's own probes (Docker's healthcheck, nginx-exporter's scrape): not traffic. */
const NOT_TRAFFIC = new Set(['/healthz', '/stub_status']);

export interface AccessLine {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly status: number;
  readonly uri: string;
}

/** The edge's JSON access lines (apps/frontend/nginx/nginx.conf `log_format json`); other lines skipped. */
export function parseAccessLog(text: string): AccessLine[] {
  const lines: AccessLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { time?: unknown; status?: unknown; uri?: unknown };
      const at = Date.parse(String(entry.time ?? ''));
      const uri = String(entry.uri ?? '');
      if (!Number.isFinite(at) || typeof entry.status !== 'number' || NOT_TRAFFIC.has(uri.split('?')[0] ?? '')) continue;
      lines.push({ at, status: entry.status, uri });
    } catch {
      // nginx's own messages on the same stream
    }
  }
  return lines;
}

/** The requests answered from `fromMs` on (nginx logs whole seconds: a line of the start second counts). */
export function windowOf(lines: readonly AccessLine[], fromMs: number, nowMs: number): EdgeWindow {
  const inside = lines.filter((line) => line.at >= Math.floor(fromMs / 1000) * 1000);
  return {
    seconds: Math.max(1, Math.round((nowMs - fromMs) / 1000)),
    requests: inside.length,
    errors5xx: inside.filter((line) => line.status >= 500).length,
    tooMany: inside.filter((line) => line.status === 429).length,
  };
}
