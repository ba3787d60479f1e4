import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { type MaybeSecret, revealValue, secret, type Secret } from '@satvach/exec';
import { stringify } from 'yaml';
import { PRIMARY_PAGE_WAIT, type Rotation } from '@satvach/oncall';
import { ALERT_ENV_KEYS, AlertEnvSchema, missingAlertKeys, type AlertEnv } from './alert-env.ts';
import { DEFAULT_HORIZON_WEEKS, oncallRouting } from './oncall.ts';

export interface RenderOptions {
  /**
   * Where the stack mounts `secretFiles` inside the Alertmanager container (absolute). The config
   * names these paths; the values never enter the config text.
   */
  readonly secretsDir: string;
  /** The on-call rotation: critical alerts also page whoever is primary, then the secondary after its delay. */
  readonly rotation?: Rotation;
  /** The rotation's stretches from this instant on are routed (default: now). */
  readonly now?: Date;
  /** How many weeks ahead the routing lists (default 26); stack:up renders it again at each start. */
  readonly horizonWeeks?: number;
}

export interface RenderedAlertmanagerConfig {
  /** alertmanager.yml: no password, webhook URL or AWS key inside. */
  readonly config: string;
  /** File name (in `secretsDir`) → content; write each 0600 in the stack's private 0700 dir. */
  readonly secretFiles: Readonly<Record<string, Secret>>;
  /**
   * Environment for the Alertmanager process: the SNS credentials. Alertmanager 0.25's `sigv4` block
   * has no *_file option, but with no inline key it takes AWS's default chain (these variables, or an
   * instance role when they are absent).
   */
  readonly environment: Readonly<Record<string, MaybeSecret>>;
}

export class AlertConfigError extends Error {
  override readonly name = 'AlertConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`the alert receivers are not configured correctly; fix these stack env keys:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Receiver names: what `amtool config routes test` prints and the tests assert. */
export const RECEIVERS = { critical: 'critical-slack-sms-email', warning: 'warning-slack-email', info: 'info-email-digest', heartbeat: 'watchdog-heartbeat' } as const;

export const SECRET_FILE_NAMES = { smtpPassword: 'smtp_password', slackWebhookUrl: 'slack_webhook_url' } as const;

/** How long the critical route collects alerts before the first notification: the primary's page. */
// The rotation refuses an escalation delay not longer than this (libs/oncall validates it on load).
export const CRITICAL_GROUP_WAIT = PRIMARY_PAGE_WAIT;

/** Alerts DatabaseDown causes: the 5xx share, the latency, a failed backup and the probes that need the database. */
export const DATABASE_DOWN_INHIBITS = { alertnames: ['HighErrorRate', 'HighLatency', 'BackupFailed'], probes: ['health', 'api'] } as const;

/** Validates the alert keys of a stack env (plain or `Secret` values), listing every problem by key. */
export function parseAlertEnv(values: Readonly<Record<string, MaybeSecret | undefined>>): AlertEnv {
  const plain = Object.fromEntries(
    ALERT_ENV_KEYS.flatMap((key) => {
      const value = values[key];
      return value === undefined || revealValue(value) === '' ? [] : [[key, revealValue(value)]];
    }),
  );
  const parsed = AlertEnvSchema.safeParse(plain);
  const problems = parsed.success ? missingAlertKeys(parsed.data) : parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
  if (!parsed.success || problems.length > 0) throw new AlertConfigError(problems);
  return parsed.data;
}

const slackText = (runbookBase: string) =>
  [
    '{{ range .Alerts }}*{{ if eq .Status "firing" }}{{ .Labels.severity | toUpper }}{{ else }}RESOLVED{{ end }}* {{ .Annotations.summary }}',
    '{{ .Annotations.description }}',
    `Runbook: ${runbookBase}{{ .Annotations.runbook_url }}`,
    '{{ end }}',
  ].join('\n');

// An SMS must stay short: status, alert, summary; the details are in the email and Slack.
const SMS_MESSAGE = '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}: {{ range .Alerts }}{{ .Annotations.summary }}; {{ end }}';

/**
 * Renders Alertmanager's config from the stack env: severity routes (critical → Slack + SMS + email,
 * warning → Slack + email, info → a daily email digest), grouping by alertname and service,
 * DatabaseDown inhibiting what it causes, critical inhibiting the warning of the same alert, and the
 * Watchdog routed to a heartbeat; with a rotation, critical alerts also page the primary on call and,
 * unless silenced within the rotation's escalation delay, the secondary. Pure: no file is read or written.
 */
export function renderAlertmanagerConfig(values: Readonly<Record<string, MaybeSecret | undefined>>, options: RenderOptions): RenderedAlertmanagerConfig {
  if (!posix.isAbsolute(options.secretsDir)) throw new AlertConfigError([`secretsDir: "${options.secretsDir}" is not an absolute path inside the container`]);
  const env = parseAlertEnv(values);
  const secretPath = (name: string) => posix.join(options.secretsDir, name);
  const secretFiles: Record<string, Secret> = { [SECRET_FILE_NAMES.slackWebhookUrl]: secret(env.SATVACH_ALERT_SLACK_WEBHOOK_URL as string) };
  if (env.SATVACH_ALERT_SMTP_PASSWORD) secretFiles[SECRET_FILE_NAMES.smtpPassword] = secret(env.SATVACH_ALERT_SMTP_PASSWORD);

  const environment: Record<string, MaybeSecret> = {};
  if (env.SATVACH_ALERT_SMS_ACCESS_KEY_ID && env.SATVACH_ALERT_SMS_SECRET_ACCESS_KEY) {
    environment.AWS_ACCESS_KEY_ID = env.SATVACH_ALERT_SMS_ACCESS_KEY_ID;
    environment.AWS_SECRET_ACCESS_KEY = secret(env.SATVACH_ALERT_SMS_SECRET_ACCESS_KEY);
  }

  const runbookBase = env.SATVACH_ALERT_RUNBOOK_BASE_URL ?? '';
  const email = { to: env.SATVACH_ALERT_EMAIL_TO, send_resolved: true };
  const slack = { channel: env.SATVACH_ALERT_SLACK_CHANNEL, send_resolved: true, title: '{{ template "slack.default.title" . }}', text: slackText(runbookBase) };
  const sns = {
    ...(env.SATVACH_ALERT_SMS_SNS_API_URL ? { api_url: env.SATVACH_ALERT_SMS_SNS_API_URL } : {}),
    topic_arn: env.SATVACH_ALERT_SMS_SNS_TOPIC_ARN,
    sigv4: { region: env.SATVACH_ALERT_SMS_SNS_REGION },
    subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}',
    message: SMS_MESSAGE,
    send_resolved: true,
  };

  // The rotation's pages sit under the critical route, next to the team's channels (docs: runbooks/oncall/README.md).
  const { topic_arn: _teamTopic, ...snsChannel } = sns;
  const oncall = options.rotation ? oncallRouting(options.rotation, options.now ?? new Date(), options.horizonWeeks ?? DEFAULT_HORIZON_WEEKS) : undefined;
  const critical = { matchers: ['severity="critical"'], group_wait: CRITICAL_GROUP_WAIT, group_interval: '1m', repeat_interval: '1h' };
  const criticalRoute = oncall
    ? { receiver: RECEIVERS.critical, ...critical, routes: [{ receiver: RECEIVERS.critical, continue: true }, ...oncall.routes] }
    : { receiver: RECEIVERS.critical, ...critical };
  const personReceivers = (oncall?.receivers ?? []).map((person) => ({
    name: person.name,
    email_configs: [{ to: person.email, send_resolved: true }],
    // An SMS straight to the person's phone: SNS publishes to a number as well as to a topic.
    ...(env.SATVACH_ALERT_SMS_SNS_REGION ? { sns_configs: [{ ...snsChannel, phone_number: person.phone }] } : {}),
  }));

  const config = {
    global: {
      resolve_timeout: '5m',
      smtp_smarthost: env.SATVACH_ALERT_SMTP_HOST,
      smtp_from: env.SATVACH_ALERT_EMAIL_FROM,
      ...(env.SATVACH_ALERT_SMTP_USER ? { smtp_auth_username: env.SATVACH_ALERT_SMTP_USER, smtp_auth_password_file: secretPath(SECRET_FILE_NAMES.smtpPassword) } : {}),
      smtp_require_tls: (env.SATVACH_ALERT_SMTP_REQUIRE_TLS ?? 'true') === 'true',
      slack_api_url_file: secretPath(SECRET_FILE_NAMES.slackWebhookUrl),
    },
    route: {
      receiver: RECEIVERS.info,
      group_by: ['alertname', 'service'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        // The dead man's switch expects a ping every minute or so; it alarms when they stop.
        { receiver: RECEIVERS.heartbeat, matchers: ['alertname="Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '1m' },
        criticalRoute,
        { receiver: RECEIVERS.warning, matchers: ['severity="warning"'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
        // One mail a day for everything informational.
        { receiver: RECEIVERS.info, matchers: ['severity="info"'], group_by: ['severity'], group_wait: '5m', group_interval: '24h', repeat_interval: '24h' },
      ],
    },
    inhibit_rules: [
      { source_matchers: ['alertname="DatabaseDown"'], target_matchers: [`alertname=~"${DATABASE_DOWN_INHIBITS.alertnames.join('|')}"`] },
      { source_matchers: ['alertname="DatabaseDown"'], target_matchers: ['alertname="EndpointDown"', `probe=~"${DATABASE_DOWN_INHIBITS.probes.join('|')}"`] },
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname', 'service', 'instance'] },
    ],
    receivers: [
      { name: RECEIVERS.critical, email_configs: [email], slack_configs: [slack], sns_configs: [sns] },
      { name: RECEIVERS.warning, email_configs: [email], slack_configs: [slack] },
      { name: RECEIVERS.info, email_configs: [email] },
      { name: RECEIVERS.heartbeat, ...(env.SATVACH_ALERT_WATCHDOG_URL ? { webhook_configs: [{ url: env.SATVACH_ALERT_WATCHDOG_URL, send_resolved: false }] } : {}) },
      ...personReceivers,
    ],
    ...(oncall ? { time_intervals: oncall.timeIntervals } : {}),
  };
  const header = '# Rendered by libs/monitoring renderAlertmanagerConfig from the stack env; do not edit.\n# Secrets are in the files it names, not here.\n';
  return { config: header + stringify(config, { lineWidth: 0, aliasDuplicateObjects: false }), secretFiles, environment };
}

/**
 * Writes a rendered config for mounting: `dir` 0700, alertmanager.yml and each secret file 0600,
 * secrets written with their final mode from the start (never readable by others, not even briefly).
 * Returns the config file's path.
 */
export function writeAlertmanagerFiles(dir: string, rendered: RenderedAlertmanagerConfig, secretsDir: string = dir): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  for (const [name, value] of Object.entries(rendered.secretFiles)) {
    const file = join(secretsDir, name);
    writeFileSync(file, value.reveal(), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, rendered.config, { mode: 0o600 });
  chmodSync(configFile, 0o600);
  return configFile;
}
