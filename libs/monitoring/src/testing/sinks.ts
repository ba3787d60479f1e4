// The three delivery channels together: the alert env that points Alertmanager at them, and a wait for
// one alert's notification on each channel. The stack e2e reuses this with the stack's Alertmanager.
import { randomBytes } from 'node:crypto';
import { type Mailpit, type SlackReceiver, type SnsStandIn, startMailpit, startSlackReceiver, startSns } from './receivers.ts';
import { waitFor } from '@satvach/exec/testing';

export const CHANNELS = ['email', 'slack', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface AlertSinks {
  readonly mailpit: Mailpit;
  readonly slack: SlackReceiver;
  readonly sns: SnsStandIn;
  stop(): Promise<void>;
}

export async function startAlertSinks(): Promise<AlertSinks> {
  const mailpit = await startMailpit();
  const slack = await startSlackReceiver().catch(async (error: unknown) => {
    await mailpit.stop();
    throw error;
  });
  const sns = await startSns().catch(async (error: unknown) => {
    await Promise.all([mailpit.stop(), slack.stop()]);
    throw error;
  });
  return { mailpit, slack, sns, stop: async () => void (await Promise.all([mailpit.stop(), slack.stop(), sns.stop()])) };
}

export const ALERT_EMAIL_TO = 'oncall@satvach.test';

/** The stack env's SATVACH_ALERT_* keys pointing at the sinks (SMTP with a login, like a real relay). */
export function alertEnvFor(sinks: AlertSinks, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    SATVACH_ALERT_EMAIL_TO: ALERT_EMAIL_TO,
    SATVACH_ALERT_EMAIL_FROM: 'alertmanager@satvach.test',
    SATVACH_ALERT_SMTP_HOST: sinks.mailpit.smtpHost,
    SATVACH_ALERT_SMTP_USER: 'alertmanager',
    SATVACH_ALERT_SMTP_PASSWORD: randomBytes(12).toString('hex'),
    SATVACH_ALERT_SMTP_REQUIRE_TLS: 'false',
    SATVACH_ALERT_SLACK_WEBHOOK_URL: sinks.slack.url,
    SATVACH_ALERT_SLACK_CHANNEL: '#alerts',
    SATVACH_ALERT_SMS_SNS_TOPIC_ARN: sinks.sns.topicArn,
    SATVACH_ALERT_SMS_SNS_REGION: sinks.sns.region,
    SATVACH_ALERT_SMS_SNS_API_URL: sinks.sns.endpoint,
    SATVACH_ALERT_SMS_ACCESS_KEY_ID: 'AKIASATVACHTEST0001',
    SATVACH_ALERT_SMS_SECRET_ACCESS_KEY: randomBytes(16).toString('hex'),
    ...overrides,
  };
}

export type AlertStatus = 'firing' | 'resolved';

export interface Notification {
  readonly channel: Channel;
  /** When the test saw it (Slack: when the request arrived; email and SMS: when polling found it). */
  readonly seenAt: number;
  /** The text a person would read: email subject + body, Slack title + text, the SMS. */
  readonly content: string;
}

/** Notifications about `alertname` in state `status` seen so far on one channel. */
export async function notificationsOn(sinks: AlertSinks, channel: Channel, alertname: string, status: AlertStatus): Promise<Notification[]> {
  const now = Date.now();
  switch (channel) {
    case 'email': {
      // Alertmanager's default subject: "[FIRING:1] DatabaseDown (…)" / "[RESOLVED] DatabaseDown (…)".
      const prefix = status === 'firing' ? '[FIRING:' : '[RESOLVED]';
      const messages = (await sinks.mailpit.messages()).filter((message) => message.Subject.startsWith(prefix) && message.Subject.includes(` ${alertname} `));
      return Promise.all(messages.map(async (message) => ({ channel, seenAt: now, content: `${message.Subject}\n${await sinks.mailpit.text(message.ID)}\nTo: ${message.To.map((to) => to.Address).join(',')}` })));
    }
    case 'slack': {
      const prefix = status === 'firing' ? '[FIRING:' : '[RESOLVED]';
      return sinks.slack.received
        .filter((delivery) => delivery.body.attachments?.some((attachment) => attachment.title?.startsWith(prefix) && attachment.title.includes(` ${alertname} `)))
        .map((delivery) => ({ channel, seenAt: delivery.receivedAt, content: `channel=${delivery.body.channel}\n${delivery.body.attachments?.map((a) => `${a.title}\n${a.text}`).join('\n')}` }));
    }
    case 'sms': {
      const prefix = `[${status.toUpperCase()}] ${alertname}:`;
      return (await sinks.sns.published()).filter((message) => message.message.startsWith(prefix)).map((message) => ({ channel, seenAt: now, content: message.message }));
    }
  }
}

/** Waits until each of `channels` has a notification about `alertname` in state `status` beyond `already` of them. */
export async function waitForNotifications(
  sinks: AlertSinks,
  alertname: string,
  status: AlertStatus,
  options: { channels?: readonly Channel[]; already?: Partial<Record<Channel, number>>; timeoutMs?: number } = {},
): Promise<Record<Channel, Notification>> {
  const channels = options.channels ?? CHANNELS;
  const found: Partial<Record<Channel, Notification>> = {};
  await waitFor(`${status} ${alertname} on ${channels.join(', ')}`, async () => {
    for (const channel of channels) {
      if (found[channel]) continue;
      const seen = await notificationsOn(sinks, channel, alertname, status);
      const fresh = seen[options.already?.[channel] ?? 0];
      if (fresh) found[channel] = fresh;
    }
    return channels.every((channel) => found[channel]) ? true : undefined;
  }, options.timeoutMs ?? 240_000);
  return found as Record<Channel, Notification>;
}

/** How many notifications about `alertname` in state `status` each channel holds now. */
export async function countNotifications(sinks: AlertSinks, alertname: string, status: AlertStatus): Promise<Record<Channel, number>> {
  const entries = await Promise.all(CHANNELS.map(async (channel) => [channel, (await notificationsOn(sinks, channel, alertname, status)).length] as const));
  return Object.fromEntries(entries) as Record<Channel, number>;
}
