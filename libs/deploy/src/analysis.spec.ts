import { describe, expect, it } from 'vitest';
import { analyseWindow, maxCanaryShare, parseEdgeLog, percentile } from './analysis.ts';
import { parseDeployConfig } from './config.ts';
import { documentedConfig } from './testing/documented.ts';

const limits = parseDeployConfig({ colours: { blue: { hostPort: 8001 }, green: { hostPort: 8002 } }, envFile: 'e', edge: { container: 'edge' }, hardening: documentedConfig().hardening }, 'c', '/').canary.analysis;
const addresses = { stable: '172.18.0.5:8001', canary: '172.18.0.6:8002' };
const ports = { stable: 8001, canary: 8002 };

/** A line exactly as the edge's `log_format json` writes it. */
function line(upstream: string, status: number, upstreamTime: string, requestTime = 0.01, upstreamStatus = String(status), uri = '/api/places'): string {
  return `{"time":"2026-11-28T12:00:01+00:00","request_id":"r","remote":"127.0.0.1","method":"GET","uri":"${uri}","status":${status},"bytes":10,"encoding":"","request_time":${requestTime},"upstream":"${upstream}","upstream_status":"${upstreamStatus}","upstream_time":"${upstreamTime}","user_agent":"load"}`;
}

function traffic(address: string, count: number, errors: number, latencySeconds: number): string[] {
  return Array.from({ length: count }, (_, i) => line(address, i < errors ? 500 : 200, latencySeconds.toFixed(3)));
}

describe('edge access log', () => {
  it('reads every upstream attempt and skips health checks, static files and nginx messages', () => {
    const at = Date.parse('2026-11-28T12:00:01Z');
    const requests = parseEdgeLog(
      [
        line('172.18.0.5:8001', 200, '0.012'),
        line('', 200, '', 0.01, ''),
        line('172.18.0.5:8001', 200, '0.003', 0.01, '200', '/health/ready'),
        '2026/11/28 12:00:01 [notice] 1#1: signal process started',
        // The canary refused the connection; the edge retried on stable, the client saw 200.
        line('172.18.0.6:8002, 172.18.0.5:8001', 200, '0.000, 0.020', 0.03, '502, 200'),
        line('172.18.0.6:8002', 504, '-', 2, ''),
        '{"broken json',
      ].join('\n'),
    );
    expect(requests).toEqual([
      { at, upstream: '172.18.0.5:8001', status: 200, latencyMs: 12 },
      { at, upstream: '172.18.0.6:8002', status: 502, latencyMs: 0 },
      { at, upstream: '172.18.0.5:8001', status: 200, latencyMs: 20 },
      { at, upstream: '172.18.0.6:8002', status: 504, latencyMs: 2000 },
    ]);
  });

  it('percentile is nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([], 0.95)).toBe(0);
  });
});

describe('canary analysis window', () => {
  const judge = (lines: string[], weight = 10) => analyseWindow(parseEdgeLog(lines.join('\n')), ports, limits, weight);

  it('passes a canary that behaves like stable', () => {
    const result = judge([...traffic(addresses.stable, 900, 1, 0.02), ...traffic(addresses.canary, 100, 0, 0.021)]);
    expect(result.verdict).toBe('pass');
    expect(result.canary).toEqual({ requests: 100, errors5xx: 0, errorRate: 0, p95Ms: 21 });
  });

  it('fails a canary with 20 % 5xx and says the numbers', () => {
    const result = judge([...traffic(addresses.stable, 900, 0, 0.02), ...traffic(addresses.canary, 100, 20, 0.02)]);
    expect(result.verdict).toBe('fail');
    expect(result.reasons.join()).toContain('canary 5xx 20.0 % (20/100) vs stable 0.0 %');
  });

  it('fails a slow canary only when it is slower by ratio and by milliseconds', () => {
    expect(judge([...traffic(addresses.stable, 900, 0, 0.02), ...traffic(addresses.canary, 100, 0, 0.2)]).verdict).toBe('fail');
    // 3× slower but only 4 ms more: noise at this scale, not a regression.
    expect(judge([...traffic(addresses.stable, 900, 0, 0.002), ...traffic(addresses.canary, 100, 0, 0.006)]).verdict).toBe('pass');
  });

  it('never judges on too little data', () => {
    const result = judge([...traffic(addresses.stable, 900, 0, 0.02), ...traffic(addresses.canary, 49, 49, 0.02)]);
    expect(result.verdict).toBe('insufficient');
    expect(result.reasons[0]).toContain('only 49 canary request(s), at least 50');
  });

  it('a 5xx share stable shares too is not the canary\'s fault', () => {
    expect(judge([...traffic(addresses.stable, 900, 90, 0.02), ...traffic(addresses.canary, 100, 10, 0.02)]).verdict).toBe('pass');
  });

  it('fails a canary that received far more than its weight, with the share and the weight in the reason', () => {
    // Stable failed over: its attempts refused and retried at the canary, then none sent to it at all.
    const refused = Array.from({ length: 30 }, () => line(`${addresses.stable}, ${addresses.canary}`, 200, '0.000, 0.020', 0.03, '502, 200'));
    const result = judge([...refused, ...traffic(addresses.stable, 100, 0, 0.02), ...traffic(addresses.canary, 600, 0, 0.02)]);
    expect(result.verdict).toBe('fail');
    expect(result.canaryShare).toBeCloseTo(630 / 760);
    expect(result.reasons).toEqual(['canary received 82.9 % of the requests (630 of 760) at a weight of 10 %: more than 20.0 %, so the edge is sending it stable\'s traffic (30 stable 5xx in the window)']);
    // The canary itself answered everything well: only the share tells.
    expect(result.canary.errors5xx).toBe(0);
  });

  it('passes a share near the weight and fails one above 2 × the weight', () => {
    expect(judge([...traffic(addresses.stable, 820, 0, 0.02), ...traffic(addresses.canary, 180, 0, 0.02)]).verdict).toBe('pass');
    const over = judge([...traffic(addresses.stable, 790, 0, 0.02), ...traffic(addresses.canary, 210, 0, 0.02)]);
    expect(over.verdict).toBe('fail');
    expect(over.reasons.join()).toContain('canary received 21.0 % of the requests (210 of 1000) at a weight of 10 %: more than 20.0 %');
  });

  it('at 50 % the canary fails above 75 % (stable under half of its own share)', () => {
    expect(maxCanaryShare(10, 2)).toBeCloseTo(0.2);
    expect(maxCanaryShare(50, 2)).toBeCloseTo(0.75);
    expect(maxCanaryShare(90, 2)).toBeCloseTo(0.95);
    expect(judge([...traffic(addresses.stable, 300, 0, 0.02), ...traffic(addresses.canary, 700, 0, 0.02)], 50).verdict).toBe('pass');
    expect(judge([...traffic(addresses.stable, 200, 0, 0.02), ...traffic(addresses.canary, 800, 0, 0.02)], 50).reasons.join()).toContain('canary received 80.0 % of the requests (800 of 1000) at a weight of 50 %: more than 75.0 %');
  });

  it('a canary that gets less than its weight is no reason to stop it', () => {
    expect(judge([...traffic(addresses.stable, 950, 0, 0.02), ...traffic(addresses.canary, 50, 0, 0.02)]).verdict).toBe('pass');
  });
});
