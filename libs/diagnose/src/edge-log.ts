import { type EdgeLogLine, parseEdgeLogLines } from '@satvach/deploy';
import type { EdgeWindow } from './observations.ts';

/** The edge's own probes (Docker's healthcheck, nginx-exporter's scrape): not traffic. */
const NOT_TRAFFIC = new Set(['/healthz', '/stub_status']);

export type AccessLine = EdgeLogLine & { readonly status: number };

/**
 * The requests the edge answered, from its JSON access log (libs/deploy reads the lines): every
 * answer counts, its own 429s and static files included, and lines without a time or status are skipped.
 */
export function trafficOf(text: string): AccessLine[] {
  return parseEdgeLogLines(text).filter((line): line is AccessLine => Number.isFinite(line.at) && line.status !== undefined && !NOT_TRAFFIC.has(line.uri.split('?')[0] ?? ''));
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
