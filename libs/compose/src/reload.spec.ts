import { describe, expect, it } from 'vitest';
import { configCheckArgv, parseReloadMetrics, reloadMetricsArgv, reloadOutcome, reloadSignalArgv, reloadTargets } from './reload.ts';

const RENDERED = `
services:
  db: { image: postgis }
  prometheus:
    image: prom
    command: [--config.file=/etc/prometheus/prometheus.yml, --web.listen-address=:9090]
  alertmanager:
    image: am
    command: [--config.file=/etc/alertmanager/rendered/alertmanager.yml, '--web.listen-address=:9193']
`;

describe('reloadTargets', () => {
  it('finds the running reloadable services with the config file and port their command gives', () => {
    const targets = reloadTargets(RENDERED, ['db', 'prometheus', 'alertmanager']);

    expect(targets.map(({ service, configFile, port, metricPrefix }) => ({ service, configFile, port, metricPrefix }))).toEqual([
      { service: 'prometheus', configFile: '/etc/prometheus/prometheus.yml', port: 9090, metricPrefix: 'prometheus' },
      { service: 'alertmanager', configFile: '/etc/alertmanager/rendered/alertmanager.yml', port: 9193, metricPrefix: 'alertmanager' },
    ]);
  });

  it('leaves out services that do not run with these profiles', () => {
    expect(reloadTargets(RENDERED, ['db', 'alertmanager']).map((target) => target.service)).toEqual(['alertmanager']);
    expect(reloadTargets('services:\n  db: { image: postgis }\n', ['db'])).toEqual([]);
  });

  it('takes the image defaults when the command does not say', () => {
    const [target] = reloadTargets('services:\n  alertmanager: { image: am }\n', ['alertmanager']);
    expect([target?.configFile, target?.port]).toEqual(['/etc/alertmanager/alertmanager.yml', 9093]);
  });
});

describe('reload commands as data', () => {
  const [prometheus, alertmanager] = reloadTargets(RENDERED, ['prometheus', 'alertmanager']) as [never, never];

  it('signals the container, reads its metrics from inside it and checks its config with its own tool', () => {
    expect(reloadSignalArgv('docker', 'c1')).toEqual({ file: 'docker', args: ['kill', '--signal', 'HUP', 'c1'] });
    expect(reloadMetricsArgv('docker', 'c2', alertmanager)).toEqual({ file: 'docker', args: ['exec', 'c2', 'wget', '-q', '-O', '-', 'http://127.0.0.1:9193/metrics'] });
    expect(configCheckArgv('docker', 'c2', alertmanager)).toEqual({ file: 'docker', args: ['exec', 'c2', 'amtool', 'check-config', '/etc/alertmanager/rendered/alertmanager.yml'] });
    expect(configCheckArgv('docker', 'c3', prometheus)).toEqual({ file: 'docker', args: ['exec', 'c3', 'promtool', 'check', 'config', '/etc/prometheus/prometheus.yml'] });
  });
});

describe('parseReloadMetrics', () => {
  const page = [
    '# HELP alertmanager_config_last_reload_successful Whether the last configuration reload attempt was successful.',
    '# TYPE alertmanager_config_last_reload_successful gauge',
    'alertmanager_config_last_reload_successful 1',
    'alertmanager_config_last_reload_success_timestamp_seconds 1.7649312345678e+09',
    'alertmanager_config_hash 2.3e+14',
  ].join('\n');

  it('reads the flag and the fractional timestamp, exponent notation included', () => {
    expect(parseReloadMetrics(page, 'alertmanager')).toEqual({ successful: 1, lastSuccess: 1764931234.5678 });
  });

  it('is undefined when a metric is missing (another service, or an image without it)', () => {
    expect(parseReloadMetrics(page, 'prometheus')).toBeUndefined();
    expect(parseReloadMetrics('alertmanager_config_last_reload_successful 1\n', 'alertmanager')).toBeUndefined();
  });
});

describe('reloadOutcome', () => {
  const before = { successful: 1, lastSuccess: 100.25 };

  it('is reloaded once a success later than the last one is reported', () => {
    expect(reloadOutcome(before, { successful: 1, lastSuccess: 100.5 })).toBe('reloaded');
  });

  it('waits while nothing changed yet', () => {
    expect(reloadOutcome(before, before)).toBeUndefined();
  });

  it('is failed once the success flag drops', () => {
    expect(reloadOutcome(before, { successful: 0, lastSuccess: 100.25 })).toBe('failed');
  });

  it('after an earlier failed reload, waits for a success rather than reading the old failure as this one', () => {
    const failedBefore = { successful: 0, lastSuccess: 50 };
    expect(reloadOutcome(failedBefore, failedBefore)).toBeUndefined();
    expect(reloadOutcome(failedBefore, { successful: 1, lastSuccess: 120 })).toBe('reloaded');
  });
});
