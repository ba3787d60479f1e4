import { describe, expect, it } from 'vitest';
import { isSecret, secret } from '@satvach/exec';
import { thrown } from '@satvach/exec/testing';
import { parse } from 'yaml';
import { AlertConfigError, parseAlertEnv, RECEIVERS, renderAlertmanagerConfig, SECRET_FILE_NAMES } from './alertmanager.ts';
import { REQUIRED_ALERT_KEYS } from './alert-env.ts';
import { VALID_ALERT_ENV } from './testing/env.ts';

const options = { secretsDir: '/etc/alertmanager/secrets' };
const render = (env: Record<string, string | undefined> = {}) => renderAlertmanagerConfig({ ...VALID_ALERT_ENV, ...env }, options);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const config = (env: Record<string, string | undefined> = {}) => parse(render(env).config) as any;
const problemsOf = (env: Record<string, string | undefined>): string[] => thrown(() => render(env), AlertConfigError).problems;

describe('renderAlertmanagerConfig', () => {
  it('routes by severity: critical → Slack + SNS + email, warning → Slack + email, info → a daily email digest, Watchdog → the heartbeat', () => {
    const { route, receivers } = config();
    expect(route.receiver).toBe(RECEIVERS.info);
    expect(route.group_by).toEqual(['alertname', 'service']);
    expect(route.routes.map((r: { receiver: string; matchers: string[] }) => [r.receiver, r.matchers])).toEqual([
      [RECEIVERS.heartbeat, ['alertname="Watchdog"']],
      [RECEIVERS.critical, ['severity="critical"']],
      [RECEIVERS.warning, ['severity="warning"']],
      [RECEIVERS.info, ['severity="info"']],
    ]);
    const digest = route.routes[3];
    expect([digest.group_by, digest.group_interval, digest.repeat_interval]).toEqual([['severity'], '24h', '24h']);
    const channels = Object.fromEntries(receivers.map((r: Record<string, unknown>) => [r.name, Object.keys(r).filter((key) => key !== 'name').sort()]));
    expect(channels).toEqual({
      [RECEIVERS.critical]: ['email_configs', 'slack_configs', 'sns_configs'],
      [RECEIVERS.warning]: ['email_configs', 'slack_configs'],
      [RECEIVERS.info]: ['email_configs'],
      [RECEIVERS.heartbeat]: [],
    });
  });

  it('sends resolved notifications on every channel, to the configured addresses, channel and topic', () => {
    const critical = config().receivers[0];
    expect(critical.email_configs).toEqual([{ to: VALID_ALERT_ENV.SATVACH_ALERT_EMAIL_TO, send_resolved: true }]);
    expect(critical.slack_configs[0]).toMatchObject({ channel: '#alerts', send_resolved: true });
    expect(critical.sns_configs[0]).toMatchObject({ topic_arn: VALID_ALERT_ENV.SATVACH_ALERT_SMS_SNS_TOPIC_ARN, sigv4: { region: 'eu-west-1' }, send_resolved: true });
    expect(critical.sns_configs[0].api_url).toBeUndefined();
    expect(config({ SATVACH_ALERT_SMS_SNS_API_URL: 'http://127.0.0.1:5001' }).receivers[0].sns_configs[0].api_url).toBe('http://127.0.0.1:5001');
  });

  it('inhibits what DatabaseDown causes, and a warning when the same alert is critical', () => {
    expect(config().inhibit_rules).toEqual([
      { source_matchers: ['alertname="DatabaseDown"'], target_matchers: ['alertname=~"HighErrorRate|HighLatency|BackupFailed"'] },
      { source_matchers: ['alertname="DatabaseDown"'], target_matchers: ['alertname="EndpointDown"', 'probe=~"health|api"'] },
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service', 'instance'] },
    ]);
  });

  it('keeps every secret out of the config: SMTP password and Slack URL as files, AWS keys as environment', () => {
    const rendered = render();
    for (const key of ['SATVACH_ALERT_SMTP_PASSWORD', 'SATVACH_ALERT_SLACK_WEBHOOK_URL', 'SATVACH_ALERT_SMS_SECRET_ACCESS_KEY'] as const) {
      expect(rendered.config).not.toContain(VALID_ALERT_ENV[key]);
    }
    expect(Object.keys(rendered.secretFiles).sort()).toEqual([SECRET_FILE_NAMES.slackWebhookUrl, SECRET_FILE_NAMES.smtpPassword]);
    expect(rendered.secretFiles.smtp_password?.reveal()).toBe(VALID_ALERT_ENV.SATVACH_ALERT_SMTP_PASSWORD);
    expect(rendered.secretFiles.slack_webhook_url?.reveal()).toBe(VALID_ALERT_ENV.SATVACH_ALERT_SLACK_WEBHOOK_URL);
    const global = parse(rendered.config).global;
    expect(global).toMatchObject({
      smtp_smarthost: 'smtp.example.com:587',
      smtp_from: 'alerts@example.com',
      smtp_auth_username: 'alerts',
      smtp_auth_password_file: '/etc/alertmanager/secrets/smtp_password',
      smtp_require_tls: true,
      slack_api_url_file: '/etc/alertmanager/secrets/slack_webhook_url',
    });
    expect(rendered.environment.AWS_ACCESS_KEY_ID).toBe('AKIAEXAMPLE0000001');
    expect(isSecret(rendered.environment.AWS_SECRET_ACCESS_KEY)).toBe(true);
    expect(JSON.stringify(rendered)).not.toContain(VALID_ALERT_ENV.SATVACH_ALERT_SMTP_PASSWORD);
  });

  it('without SMTP credentials or AWS keys: no auth, no password file, SNS from the default AWS chain', () => {
    const rendered = render({ SATVACH_ALERT_SMTP_USER: undefined, SATVACH_ALERT_SMTP_PASSWORD: undefined, SATVACH_ALERT_SMS_ACCESS_KEY_ID: undefined, SATVACH_ALERT_SMS_SECRET_ACCESS_KEY: undefined, SATVACH_ALERT_SMTP_REQUIRE_TLS: 'false' });
    const global = parse(rendered.config).global;
    expect(global.smtp_auth_username).toBeUndefined();
    expect(global.smtp_auth_password_file).toBeUndefined();
    expect(global.smtp_require_tls).toBe(false);
    expect(Object.keys(rendered.secretFiles)).toEqual([SECRET_FILE_NAMES.slackWebhookUrl]);
    expect(rendered.environment).toEqual({});
  });

  it('links the runbook under the configured base, and pings the dead man\'s switch when one is given', () => {
    expect(config().receivers[0].slack_configs[0].text).toContain('Runbook: {{ .Annotations.runbook_url }}');
    const withBase = config({ SATVACH_ALERT_RUNBOOK_BASE_URL: 'https://github.com/acme/satvach/blob/main/', SATVACH_ALERT_WATCHDOG_URL: 'https://hc-ping.com/1234' });
    expect(withBase.receivers[0].slack_configs[0].text).toContain('Runbook: https://github.com/acme/satvach/blob/main/{{ .Annotations.runbook_url }}');
    expect(withBase.receivers[3]).toEqual({ name: RECEIVERS.heartbeat, webhook_configs: [{ url: 'https://hc-ping.com/1234', send_resolved: false }] });
  });

  it('accepts secrets wrapped as Secret, as the stack env gives them', () => {
    const rendered = renderAlertmanagerConfig({ ...VALID_ALERT_ENV, SATVACH_ALERT_SMTP_PASSWORD: secret('wrapped-pass'), SATVACH_ALERT_SLACK_WEBHOOK_URL: secret('https://hooks.slack.com/services/wrapped') }, options);
    expect(rendered.secretFiles.smtp_password?.reveal()).toBe('wrapped-pass');
    expect(rendered.config).not.toContain('wrapped');
  });
});

describe('bad alert settings', () => {
  it.each(REQUIRED_ALERT_KEYS)('%s missing → named as missing', (key) => {
    expect(problemsOf({ [key]: undefined })).toEqual([expect.stringMatching(new RegExp(`^${key}.*: missing; the monitoring profile`))]);
  });

  it.each([
    ['SATVACH_ALERT_EMAIL_TO', 'ops@example.com,not-an-address', 'email addresses'],
    ['SATVACH_ALERT_EMAIL_FROM', 'alerts.example.com', 'an email address'],
    ['SATVACH_ALERT_SMTP_HOST', 'mail.acme.test', 'host:port'],
    ['SATVACH_ALERT_SMTP_HOST', 'smtp.example.com:0', 'host:port'],
    ['SATVACH_ALERT_SMTP_HOST', 'smtp://smtp.example.com:25', 'host:port'],
    ['SATVACH_ALERT_SMTP_REQUIRE_TLS', 'yes', 'true or false'],
    ['SATVACH_ALERT_SLACK_WEBHOOK_URL', 'hooks.slack.com/services/T0/B0/secretpart', 'an http(s) URL'],
    ['SATVACH_ALERT_SLACK_WEBHOOK_URL', 'ftp://hooks.slack.com/secretpart', 'an http(s) URL'],
    ['SATVACH_ALERT_SLACK_CHANNEL', '#Alerts Room', 'a Slack channel'],
    ['SATVACH_ALERT_SMS_SNS_TOPIC_ARN', 'arn:aws:sns:eu-west-1:1234:alerts', 'an SNS topic ARN'],
    ['SATVACH_ALERT_SMS_SNS_TOPIC_ARN', 'arn:aws:sqs:eu-west-1:123456789012:alerts', 'an SNS topic ARN'],
    ['SATVACH_ALERT_SMS_SNS_API_URL', 'sns.acme.test', 'an http(s) URL'],
    ['SATVACH_ALERT_SMS_SNS_REGION', 'Europe', 'an AWS region'],
    ['SATVACH_ALERT_SMS_ACCESS_KEY_ID', 'short', 'an AWS access key id'],
    ['SATVACH_ALERT_SMS_SECRET_ACCESS_KEY', 'tiny-secret', 'at least 16 characters'],
    ['SATVACH_ALERT_RUNBOOK_BASE_URL', 'runbooks/', 'an http(s) URL'],
    ['SATVACH_ALERT_WATCHDOG_URL', 'hc-ping.com/uuid', 'an http(s) URL'],
  ])('%s=%s → names the key and the expected form, never the value', (key, value, expected) => {
    const problems = problemsOf({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${key}: `));
    expect(problems[0]).toContain(expected);
    expect(problems[0]).not.toContain(value);
  });

  it('a user without a password, or a key id without its secret, names the missing half', () => {
    expect(problemsOf({ SATVACH_ALERT_SMTP_PASSWORD: undefined })).toEqual(['SATVACH_ALERT_SMTP_PASSWORD (or SATVACH_ALERT_SMTP_PASSWORD_FILE): missing; SATVACH_ALERT_SMTP_USER is set and needs it']);
    expect(problemsOf({ SATVACH_ALERT_SMS_ACCESS_KEY_ID: undefined })).toEqual(['SATVACH_ALERT_SMS_ACCESS_KEY_ID: missing; SATVACH_ALERT_SMS_SECRET_ACCESS_KEY is set and needs it']);
  });

  it('lists every problem at once, and the error message carries no secret', () => {
    const env = { SATVACH_ALERT_SLACK_WEBHOOK_URL: 'not a url but a secret-looking token', SATVACH_ALERT_SMTP_HOST: undefined, SATVACH_ALERT_SMS_SECRET_ACCESS_KEY: 'short' };
    const { message } = thrown(() => render(env), AlertConfigError);
    expect(message).toContain('SATVACH_ALERT_SLACK_WEBHOOK_URL: ');
    expect(message).toContain('SATVACH_ALERT_SMS_SECRET_ACCESS_KEY: ');
    expect(message).not.toContain('secret-looking');
    expect(message).not.toContain(VALID_ALERT_ENV.SATVACH_ALERT_SMTP_PASSWORD);
  });

  it('an empty value counts as missing', () => {
    expect(() => parseAlertEnv({ ...VALID_ALERT_ENV, SATVACH_ALERT_EMAIL_TO: '' })).toThrow('SATVACH_ALERT_EMAIL_TO: missing');
  });

  it('a relative secrets dir is refused', () => {
    expect(() => renderAlertmanagerConfig(VALID_ALERT_ENV, { secretsDir: 'secrets' })).toThrow('secretsDir: "secrets" is not an absolute path');
  });
});
