import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES_DIR } from './rules.ts';
import { alertmanagerAlerts, postAlert, startPipeline, type Pipeline } from './testing/pipeline.ts';
import { ALERT_EMAIL_TO, countNotifications, waitForNotifications } from './testing/sinks.ts';
import { freePort, waitFor } from '@satvach/exec/testing';

describe('DatabaseDown delivered by email, Slack and SMS, then resolved (real Prometheus, Alertmanager, postgres_exporter, PostgreSQL)', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline();
  });
  afterAll(async () => pipeline?.stop());

  it('PostgreSQL stopped → the DatabaseDown notification arrives on all three channels with what, where and the runbook', async () => {
    const before = await countNotifications(pipeline.sinks, 'DatabaseDown', 'firing');
    expect(before).toEqual({ email: 0, slack: 0, sms: 0 });
    await pipeline.services.stopPostgres();
    const firing = await waitForNotifications(pipeline.sinks, 'DatabaseDown', 'firing');

    expect(firing.email.content).toContain('PostgreSQL behind 127.0.0.1:');
    expect(firing.email.content).toContain('runbooks/database/DatabaseDown.md');
    expect(firing.email.content).toContain(`To: ${ALERT_EMAIL_TO}`);
    expect(firing.slack.content).toContain('channel=#alerts');
    expect(firing.slack.content).toContain('has not been able to reach PostgreSQL for 1 minute (pg_up = 0)');
    expect(firing.slack.content).toContain('Runbook: runbooks/database/DatabaseDown.md');
    expect(firing.sms.content).toMatch(/^\[FIRING\] DatabaseDown: PostgreSQL behind 127\.0\.0\.1:\d+ is down; $/);
    expect(pipeline.sinks.slack.rejected).toEqual([]);
  });

  it('while DatabaseDown fires, Alertmanager suppresses the 5xx and readiness alerts it causes, and still delivers an unrelated probe', async () => {
    // As Prometheus would send them; they end by themselves before PostgreSQL comes back.
    const endsAt = new Date(Date.now() + 40_000).toISOString();
    await postAlert(pipeline.alertmanager, { alertname: 'HighErrorRate', severity: 'critical', service: 'backend', job: 'backend' }, { summary: '7% of requests to backend fail with 5xx' }, endsAt);
    await postAlert(pipeline.alertmanager, { alertname: 'EndpointDown', severity: 'critical', probe: 'health', service: 'edge', instance: 'http://edge:8080/health/ready' }, { summary: 'health probe of http://edge:8080/health/ready fails' }, endsAt);
    await postAlert(pipeline.alertmanager, { alertname: 'EndpointDown', severity: 'critical', probe: 'public', service: 'edge', instance: 'http://edge:8080/' }, { summary: 'public probe of http://edge:8080/ fails' }, endsAt);
    const states = Object.fromEntries(
      (await alertmanagerAlerts(pipeline.alertmanager)).filter((alert) => !['Watchdog', 'DatabaseDown'].includes(alert.labels.alertname ?? '')).map((alert) => [`${alert.labels.alertname}/${alert.labels.probe ?? '-'}`, alert.status.state]),
    );
    expect(states).toEqual({ 'HighErrorRate/-': 'suppressed', 'EndpointDown/health': 'suppressed', 'EndpointDown/public': 'active' });
    // The unrelated probe is delivered (the route works), in a notification without the suppressed one.
    const endpoint = await waitForNotifications(pipeline.sinks, 'EndpointDown', 'firing', { channels: ['slack'] });
    expect(endpoint.slack.content).toContain('public probe of http://edge:8080/ fails');
    expect(endpoint.slack.content).not.toContain('health probe');
    expect(await countNotifications(pipeline.sinks, 'HighErrorRate', 'firing')).toEqual({ email: 0, slack: 0, sms: 0 });
    await waitFor('the posted alerts to end', async () => ((await alertmanagerAlerts(pipeline.alertmanager)).some((alert) => alert.labels.alertname === 'HighErrorRate') ? undefined : true), 90_000, 1000);
  });

  it('PostgreSQL started again → the resolved notification arrives on all three channels', async () => {
    await pipeline.services.up();
    const resolved = await waitForNotifications(pipeline.sinks, 'DatabaseDown', 'resolved');
    expect(resolved.email.content).toMatch(/^\[RESOLVED\] DatabaseDown/);
    expect(resolved.slack.content).toContain('*RESOLVED* PostgreSQL behind');
    expect(resolved.sms.content).toMatch(/^\[RESOLVED\] DatabaseDown: /);
    // The suppressed alert ended while suppressed: it never reached anyone.
    expect(await countNotifications(pipeline.sinks, 'HighErrorRate', 'firing')).toEqual({ email: 0, slack: 0, sms: 0 });
  });
});

describe('SMTP unreachable', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    const closedPort = await freePort();
    pipeline = await startPipeline({ alertEnv: () => ({ SATVACH_ALERT_SMTP_HOST: `127.0.0.1:${closedPort}` }) });
  });
  afterAll(async () => pipeline?.stop());

  it('Slack and SMS still deliver, email failures are counted, and AlertDeliveryFailing\'s expression is true', async () => {
    await pipeline.services.stopPostgres();
    await waitForNotifications(pipeline.sinks, 'DatabaseDown', 'firing', { channels: ['slack', 'sms'] });
    expect((await countNotifications(pipeline.sinks, 'DatabaseDown', 'firing')).email).toBe(0);

    // Alertmanager counts a failed notification when its retries for that flush give up (about a group_interval).
    const failed = await waitFor('a failed email in alertmanager_notifications_failed_total', async () => {
      const samples = await pipeline.query('alertmanager_notifications_failed_total{integration="email"} > 0');
      return samples.length > 0 ? samples : undefined;
    }, 180_000, 1000);
    expect(failed.map((sample) => sample.metric.integration)).toEqual(['email']);
    const others = await pipeline.query('alertmanager_notifications_failed_total{integration=~"slack|sns"} > 0');
    expect(others).toEqual([]);

    const rules = parse(readFileSync(join(RULES_DIR, 'monitoring.yml'), 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
    const expr = rules.groups.flatMap((group) => group.rules).find((rule) => rule.alert === 'AlertDeliveryFailing')?.expr;
    expect(expr).toBeDefined();
    const failing = await pipeline.query(expr as string);
    expect(failing.map((sample) => sample.metric.integration)).toEqual(['email']);
    await pipeline.services.up();
  });
});
