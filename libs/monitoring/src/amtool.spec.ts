import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECEIVERS, renderAlertmanagerConfig, writeAlertmanagerFiles } from './alertmanager.ts';
import { VALID_ALERT_ENV } from './testing/env.ts';
import { rotationAnchoredAt } from './testing/rotation.ts';
import { amtoolCheckConfig, amtoolRoutesTest, runTool } from './tools.ts';

describe('the rendered Alertmanager config under amtool', () => {
  let dir: string;
  let configFile: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'satvach-am-')), 'alertmanager');
    configFile = writeAlertmanagerFiles(dir, renderAlertmanagerConfig(VALID_ALERT_ENV, { secretsDir: join(dir, 'secrets') }), join(dir, 'secrets'));
  });
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('passes `amtool check-config`', async () => {
    const result = await runTool(amtoolCheckConfig(configFile));
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toMatch(/3 inhibit rules/);
    expect(result.output).toMatch(/4 receivers/);
  });

  it('is written readable by its owner only: dirs 0700, config and secret files 0600', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    for (const name of ['smtp_password', 'slack_webhook_url']) expect(statSync(join(dir, 'secrets', name)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secrets', 'smtp_password'), 'utf8')).toBe(VALID_ALERT_ENV.SATVACH_ALERT_SMTP_PASSWORD);
  });

  it.each([
    [{ alertname: 'DatabaseDown', severity: 'critical', service: 'postgres-exporter' }, RECEIVERS.critical],
    [{ alertname: 'DiskAlmostFull', severity: 'warning', service: 'node-exporter' }, RECEIVERS.warning],
    [{ alertname: 'SomethingToKnow', severity: 'info' }, RECEIVERS.info],
    [{ alertname: 'Watchdog', severity: 'info' }, RECEIVERS.heartbeat],
    [{ alertname: 'Unlabelled' }, RECEIVERS.info],
  ])('`amtool config routes test` %o → %s', async (labels, receiver) => {
    const result = await runTool(amtoolRoutesTest(configFile, labels));
    expect(result.ok, result.output).toBe(true);
    expect(result.output.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('Warning:'))).toEqual([receiver]);
  });

  it.each([
    [0, 'oncall-ada', 'oncall-grace'],
    [1, 'oncall-grace', 'oncall-linus'],
    // `amtool config routes test` ignores time intervals: rendered for a one-day horizon, the config holds
  // only that day's primary and secondary routes, so this proves which routes are generated, not which
  // one Alertmanager picks at a time (the real-Alertmanager e2e, oncall.e2e.spec.ts, proves that).
])('a config rendered for a one-day horizon in week %i holds the team, %s (primary) and %s (escalation) routes for a critical alert', async (week, primary, secondary) => {
    const now = new Date();
    const oncallDir = join(dir, '..', `oncall-${week}`);
    const rendered = renderAlertmanagerConfig(VALID_ALERT_ENV, { secretsDir: join(oncallDir, 'secrets'), rotation: rotationAnchoredAt(now, { week }), now, horizonWeeks: 1 / 7 });
    const file = writeAlertmanagerFiles(oncallDir, rendered, join(oncallDir, 'secrets'));
    expect((await runTool(amtoolCheckConfig(file))).ok).toBe(true);
    const routes = (labels: Record<string, string>) => runTool(amtoolRoutesTest(file, labels)).then((result) => result.output.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('Warning:')));
    expect(await routes({ alertname: 'DatabaseDown', severity: 'critical', service: 'postgres-exporter' })).toEqual([`${RECEIVERS.critical},${primary},${secondary}`]);
    expect(await routes({ alertname: 'DiskAlmostFull', severity: 'warning' })).toEqual([RECEIVERS.warning]);
  });

  it('a broken config fails `amtool check-config`, naming the problem', async () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, readFileSync(configFile, 'utf8').replace(`receiver: ${RECEIVERS.warning}`, 'receiver: nobody-home'));
    const result = await runTool(amtoolCheckConfig(broken));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('undefined receiver "nobody-home"');
  });
});
