import type { AnalysisConfig } from './config.ts';
import { parseEdgeLogLines } from './edge-log.ts';

/** One attempt of a proxied request at one upstream, from the edge's JSON access log. */
export interface EdgeRequest {
  readonly at: number;
  /** The upstream tried, ip:port as nginx logs it. */
  readonly upstream: string;
  readonly status: number;
  readonly latencyMs: number;
}

// nginx separates retries at other servers with ", " and internal redirects with " : ".
const ATTEMPTS = /\s*[,:]\s+/;

/**
 * Reads the edge's JSON log lines into one entry per upstream attempt: a request the edge retried
 * elsewhere still counts as a failure of the first upstream. Health checks (never faulted, and not
 * user traffic), static files and nginx's own messages are skipped.
 */
export function parseEdgeLog(text: string): EdgeRequest[] {
  const requests: EdgeRequest[] = [];
  for (const entry of parseEdgeLogLines(text)) {
    if (entry.uri.startsWith('/health')) continue;
    const upstreams = entry.upstream.split(ATTEMPTS);
    const statuses = entry.upstreamStatus.split(ATTEMPTS);
    const times = entry.upstreamTime.split(ATTEMPTS);
    upstreams.forEach((upstream, attempt) => {
      if (upstream === '' || upstream === '-') return;
      const last = attempt === upstreams.length - 1;
      const status = Number.parseInt(statuses[attempt] ?? '', 10);
      const seconds = Number.parseFloat(times[attempt] ?? '');
      requests.push({
        at: Number.isFinite(entry.at) ? entry.at : 0,
        upstream,
        // No status from an upstream that failed to answer (refused, reset, timed out) is a 502 for it.
        status: Number.isFinite(status) ? status : last && entry.status !== undefined ? entry.status : 502,
        latencyMs: Number.isFinite(seconds) ? seconds * 1000 : entry.requestTime * 1000 || 0,
      });
    });
  }
  return requests;
}

/** The port of an `ip:port` upstream, which is what tells the colours apart. */
export function portOf(upstream: string): number {
  return Number(upstream.slice(upstream.lastIndexOf(':') + 1));
}

export interface VersionStats {
  readonly requests: number;
  readonly errors5xx: number;
  readonly errorRate: number;
  readonly p95Ms: number;
}

export type Verdict = 'pass' | 'fail' | 'insufficient';

export interface WindowAnalysis {
  readonly verdict: Verdict;
  readonly stable: VersionStats;
  readonly canary: VersionStats;
  /** The canary's part of the window's upstream attempts (0–1), whatever its weight was. */
  readonly canaryShare: number;
  /** Why the verdict is what it is, in words an operator reads in the deploy log. */
  readonly reasons: readonly string[];
}

/** Nearest-rank percentile: the value below which `p` of the sorted samples fall. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

function statsOf(requests: readonly EdgeRequest[]): VersionStats {
  const errors5xx = requests.filter((request) => request.status >= 500).length;
  return {
    requests: requests.length,
    errors5xx,
    errorRate: requests.length === 0 ? 0 : errors5xx / requests.length,
    p95Ms: percentile(requests.map((request) => request.latencyMs), 0.95),
  };
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/**
 * The canary share above which a window fails at `weight` %: `ratio` × the weight, or less where that
 * reaches 100 (a 50 % canary can not get 2 × 50 %; stable keeping under half of its own share is as telling).
 */
export function maxCanaryShare(weight: number, ratio: number): number {
  return Math.min(weight * ratio, 100 - (100 - weight) / ratio) / 100;
}

/**
 * Judges one window: the canary against stable on the same traffic, never on too little data. `weight`
 * is the canary's share in the edge's upstream (percent); the share it really got is checked against it.
 */
export function analyseWindow(requests: readonly EdgeRequest[], ports: { stable: number; canary: number }, limits: AnalysisConfig, weight: number): WindowAnalysis {
  const stable = statsOf(requests.filter((request) => portOf(request.upstream) === ports.stable));
  const canary = statsOf(requests.filter((request) => portOf(request.upstream) === ports.canary));
  const canaryShare = canary.requests === 0 ? 0 : canary.requests / (canary.requests + stable.requests);
  if (canary.requests < limits.minRequests) {
    return { verdict: 'insufficient', stable, canary, canaryShare, reasons: [`only ${canary.requests} canary request(s), at least ${limits.minRequests} are needed to judge`] };
  }
  const reasons: string[] = [];
  // Weights split requests exactly; a canary with far more is getting stable's traffic (stable failing
  // or taken out by the edge), and then the comparison below no longer says anything about the canary.
  const maxShare = maxCanaryShare(weight, limits.maxShareRatio);
  if (canaryShare > maxShare) {
    reasons.push(`canary received ${pct(canaryShare)} of the requests (${canary.requests} of ${canary.requests + stable.requests}) at a weight of ${weight} %: more than ${pct(maxShare)}, so the edge is sending it stable's traffic (${stable.errors5xx} stable 5xx in the window)`);
  }
  const errorIncrease = canary.errorRate - stable.errorRate;
  if (errorIncrease > limits.max5xxIncrease) {
    reasons.push(`canary 5xx ${pct(canary.errorRate)} (${canary.errors5xx}/${canary.requests}) vs stable ${pct(stable.errorRate)}: more than ${pct(limits.max5xxIncrease)} above`);
  }
  // Stable can be drained completely at the last steps; then latency has nothing to compare with.
  if (stable.requests > 0 && canary.p95Ms > stable.p95Ms * limits.maxP95Ratio && canary.p95Ms - stable.p95Ms >= limits.minP95IncreaseMs) {
    reasons.push(`canary p95 ${canary.p95Ms.toFixed(0)} ms vs stable ${stable.p95Ms.toFixed(0)} ms: above ${limits.maxP95Ratio}× and ${limits.minP95IncreaseMs} ms more`);
  }
  if (reasons.length > 0) return { verdict: 'fail', stable, canary, canaryShare, reasons };
  return {
    verdict: 'pass',
    stable,
    canary,
    canaryShare,
    reasons: [`canary 5xx ${pct(canary.errorRate)} p95 ${canary.p95Ms.toFixed(0)} ms over ${canary.requests} requests (${pct(canaryShare)} at weight ${weight} %); stable 5xx ${pct(stable.errorRate)} p95 ${stable.p95Ms.toFixed(0)} ms over ${stable.requests}`],
  };
}
