import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PRICES, startBackfilledPrometheus, syntheticHistory } from '@satvach/cost-report/testing';
import { startMailpit } from '@satvach/monitoring/testing';
import costReportExecutor, { alertSmtpEnv } from './executor.ts';
import { contextFor } from '../executor-testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'satvach-cost-report-executor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cost-report executor', () => {
  it('reads the alert SMTP keys from the env file, the process environment winning, and nothing else', () => {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'SATVACH_ALERT_SMTP_HOST=smtp.example.com:587\nSATVACH_ALERT_EMAIL_TO=ops@example.com\nPOSTGRES_PASSWORD=not-for-us\n');
    const env = alertSmtpEnv(envFile, { SATVACH_ALERT_EMAIL_TO: 'oncall@example.com', SATVACH_ALERT_EMAIL_FROM: 'satvach@example.com' });
    expect(env).toEqual({
      SATVACH_ALERT_SMTP_HOST: 'smtp.example.com:587',
      SATVACH_ALERT_SMTP_USER: undefined,
      SATVACH_ALERT_SMTP_PASSWORD: undefined,
      SATVACH_ALERT_SMTP_REQUIRE_TLS: undefined,
      SATVACH_ALERT_EMAIL_FROM: 'satvach@example.com',
      SATVACH_ALERT_EMAIL_TO: 'oncall@example.com',
    });
    expect(alertSmtpEnv(join(dir, 'absent.env'), {}).SATVACH_ALERT_SMTP_HOST).toBeUndefined();
  });

  it('--email with SMTP settings missing fails before anything is asked or written', async () => {
    const envFile = join(dir, 'no-smtp.env');
    writeFileSync(envFile, '');
    const outputDir = join(dir, 'out');
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      // An unreachable Prometheus would fail differently: the SMTP check comes first.
      const result = await costReportExecutor({ month: '2026-11', email: true, envFile, outputDir, prometheusUrl: 'http://127.0.0.1:1' }, contextFor('stack'));
      expect(result).toEqual({ success: false });
      const message = errors.mock.calls.map((call) => String(call[0])).join('\n');
      expect(message).toContain(`cost-report failed: cannot email the cost report: the SMTP settings in ${envFile} and the environment are not valid:`);
      expect(message).toContain('  - SATVACH_ALERT_SMTP_HOST: missing; give the SMTP server as host:port');
      expect(message).toContain('  - SATVACH_ALERT_EMAIL_TO: missing');
    } finally {
      errors.mockRestore();
    }
    expect(existsSync(outputDir)).toBe(false);
  });

  it('with --email, writes the report and mails it with the SMTP login from the env file (real Prometheus and Mailpit)', async () => {
    const prometheus = await startBackfilledPrometheus(syntheticHistory().openMetrics);
    const mailpit = await startMailpit({ user: 'reporter', password: 'env-file-Secret-99' });
    try {
      const envFile = join(dir, 'smtp.env');
      writeFileSync(envFile, [`SATVACH_ALERT_SMTP_HOST=${mailpit.smtpHost}`, 'SATVACH_ALERT_SMTP_USER=reporter', 'SATVACH_ALERT_SMTP_PASSWORD=env-file-Secret-99', 'SATVACH_ALERT_SMTP_REQUIRE_TLS=false', 'SATVACH_ALERT_EMAIL_FROM=satvach@example.test', 'SATVACH_ALERT_EMAIL_TO=ops@example.test', ''].join('\n'));
      const pricesFile = join(dir, 'prices.json');
      writeFileSync(pricesFile, JSON.stringify(PRICES));
      const outputDir = join(dir, 'report');
      const result = await costReportExecutor({ month: '2026-11', prometheusUrl: prometheus.url, pricesFile, outputDir, email: true, envFile }, contextFor('stack'));
      expect(result).toEqual({ success: true });
      expect(readdirSync(outputDir).sort()).toEqual(['cost-report-2026-11.html', 'cost-report-2026-11.md']);
      const list = (await (await fetch(`${mailpit.api}/api/v1/messages`)).json()) as { messages: { Subject: string; To: { Address: string }[] }[] };
      expect(list.messages.map((message) => [message.Subject.replace(/: .*/, ''), message.To.map((to) => to.Address)])).toEqual([['SatVach cost report 2026-11', ['ops@example.test']]]);
    } finally {
      await mailpit.stop();
      await prometheus.stop();
    }
  }, 180_000);
});
