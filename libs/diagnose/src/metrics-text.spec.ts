import { describe, expect, it } from 'vitest';
import { BackupMetrics } from '@satvach/backup';
import { parseMetricsText, sampleValue } from './metrics-text.ts';

describe('Prometheus text', () => {
  it('reads the backup job\'s real exposition (libs/backup BackupMetrics)', () => {
    const metrics = new BackupMetrics();
    metrics.record({ ok: false });
    const samples = parseMetricsText(metrics.render());
    expect(sampleValue(samples, 'satvach_backup_last_run_success')).toBe(0);
    expect(sampleValue(samples, 'satvach_backup_runs_total', { result: 'failure' })).toBe(1);
    expect(sampleValue(samples, 'satvach_backup_last_success_timestamp_seconds')).toBe(0);
  });

  it('sums labelled samples, unescapes label values and skips comments', () => {
    const samples = parseMetricsText('# HELP x y\ncloudflared_tunnel_ha_connections 4\nreq{a="1",b="q\\"x"} 2 1700000000\nreq{a="2"} 3\n');
    expect(sampleValue(samples, 'cloudflared_tunnel_ha_connections')).toBe(4);
    expect(sampleValue(samples, 'req')).toBe(5);
    expect(samples[1]?.labels).toEqual({ a: '1', b: 'q"x' });
    expect(sampleValue(samples, 'missing')).toBeUndefined();
  });
});
