import { z } from 'zod';

/**
 * The stack env keys that configure where alerts go. libs/compose spreads `alertEnvShape` into the
 * stack's schema (so `stack:up` refuses bad values before starting anything) and the renderer parses
 * the same shape again, so one validator serves both. Messages never include the value: a webhook URL
 * or a password must not reach a terminal.
 */
const email = z.email({ message: 'an email address such as ops@example.com' });
const emailList = z.string().check((ctx) => {
  const addresses = ctx.value.split(',').map((entry) => entry.trim());
  if (addresses.some((address) => !email.safeParse(address).success)) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: 'one or more email addresses separated by commas, such as ops@example.com,oncall@example.com' });
  }
});
// host:port or [ipv6]:port, as Alertmanager's smarthost takes it.
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\]):([1-9][0-9]{0,4})$/;
const hostPort = z.string().refine((value) => Number(HOST_PORT.exec(value)?.[1] ?? 65_536) <= 65_535, 'host:port such as smtp.example.com:587 (a port from 1 to 65535)');
const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, message: `an http(s) URL such as ${example}` });
const region = z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-[0-9]+$/, 'an AWS region such as eu-west-1');

export const ALERT_SECRET_KEYS = ['SATVACH_ALERT_SMTP_PASSWORD', 'SATVACH_ALERT_SLACK_WEBHOOK_URL', 'SATVACH_ALERT_SMS_SECRET_ACCESS_KEY'] as const;

/** Every key optional here; `missingAlertKeys` says which ones the monitoring profile needs. */
export const alertEnvShape = {
  SATVACH_ALERT_EMAIL_TO: emailList.optional(),
  SATVACH_ALERT_EMAIL_FROM: email.optional(),
  SATVACH_ALERT_SMTP_HOST: hostPort.optional(),
  SATVACH_ALERT_SMTP_USER: z.string().min(1).max(256, 'at most 256 characters').optional(),
  SATVACH_ALERT_SMTP_PASSWORD: z.string().min(1).optional(),
  SATVACH_ALERT_SMTP_REQUIRE_TLS: z.enum(['true', 'false'], { message: 'true or false' }).optional(),
  SATVACH_ALERT_SLACK_WEBHOOK_URL: httpUrl('https://hooks.slack.com/services/T000/B000/XXXX').optional(),
  SATVACH_ALERT_SLACK_CHANNEL: z.string().regex(/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$|^[A-Z0-9]{9,11}$/, 'a Slack channel such as #alerts (or a channel id such as C0123456789)').optional(),
  SATVACH_ALERT_SMS_SNS_TOPIC_ARN: z.string().regex(/^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-[0-9]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:satvach-alerts').optional(),
  SATVACH_ALERT_SMS_SNS_API_URL: httpUrl('https://sns.eu-west-1.amazonaws.com').optional(),
  SATVACH_ALERT_SMS_SNS_REGION: region.optional(),
  SATVACH_ALERT_SMS_ACCESS_KEY_ID: z.string().regex(/^[A-Z0-9]{16,128}$/, 'an AWS access key id (16-128 uppercase letters and digits, e.g. AKIA…)').optional(),
  SATVACH_ALERT_SMS_SECRET_ACCESS_KEY: z.string().min(16, 'at least 16 characters').optional(),
  /** Prefixed to each rule's repo-relative runbook_url in the notifications; empty leaves the path as it is. */
  SATVACH_ALERT_RUNBOOK_BASE_URL: httpUrl('https://github.com/acme/satvach/blob/main/').optional(),
  /** The dead man's switch the always-firing Watchdog alert pings (healthchecks.io, Dead Man's Snitch, Cronitor…); unset: no heartbeat leaves the host. */
  SATVACH_ALERT_WATCHDOG_URL: httpUrl('https://hc-ping.com/<uuid>').optional(),
};

export const AlertEnvSchema = z.object(alertEnvShape);
export type AlertEnv = z.infer<typeof AlertEnvSchema>;
export const ALERT_ENV_KEYS = Object.keys(alertEnvShape) as (keyof AlertEnv)[];

/** What the monitoring profile cannot run without: every channel of the severity routes. */
export const REQUIRED_ALERT_KEYS = [
  'SATVACH_ALERT_EMAIL_TO',
  'SATVACH_ALERT_EMAIL_FROM',
  'SATVACH_ALERT_SMTP_HOST',
  'SATVACH_ALERT_SLACK_WEBHOOK_URL',
  'SATVACH_ALERT_SMS_SNS_TOPIC_ARN',
  'SATVACH_ALERT_SMS_SNS_REGION',
] as const satisfies readonly (keyof AlertEnv)[];

/** Keys that only make sense together: a user without a password, a key id without its secret. */
const PAIRS = [
  ['SATVACH_ALERT_SMTP_USER', 'SATVACH_ALERT_SMTP_PASSWORD'],
  ['SATVACH_ALERT_SMS_ACCESS_KEY_ID', 'SATVACH_ALERT_SMS_SECRET_ACCESS_KEY'],
] as const;

const secretHint = (key: string) => ((ALERT_SECRET_KEYS as readonly string[]).includes(key) ? ` (or ${key}_FILE)` : '');

/** Problems of a parsed alert env beyond each value's own format: required keys and pairs. */
export function missingAlertKeys(env: AlertEnv): string[] {
  const problems = REQUIRED_ALERT_KEYS.filter((key) => !env[key]).map((key) => `${key}${secretHint(key)}: missing; the monitoring profile sends alerts with it`);
  for (const [a, b] of PAIRS) {
    if (Boolean(env[a]) !== Boolean(env[b])) {
      const [given, absent] = env[a] ? [a, b] : [b, a];
      problems.push(`${absent}${secretHint(absent)}: missing; ${given} is set and needs it`);
    }
  }
  return problems;
}
