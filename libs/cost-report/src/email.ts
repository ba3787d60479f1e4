import { type MaybeSecret, revealValue, secret } from '@satvach/exec';
import { createTransport } from 'nodemailer';
import { AlertEnvSchema } from '@satvach/monitoring';

/** The alert receiver's SMTP settings (stack env, shared with Alertmanager's email receiver). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: MaybeSecret | undefined;
  readonly requireTls: boolean;
  readonly from: string;
  readonly to: readonly string[];
}

export const SMTP_KEYS = {
  host: 'SATVACH_ALERT_SMTP_HOST',
  user: 'SATVACH_ALERT_SMTP_USER',
  password: 'SATVACH_ALERT_SMTP_PASSWORD',
  requireTls: 'SATVACH_ALERT_SMTP_REQUIRE_TLS',
  from: 'SATVACH_ALERT_EMAIL_FROM',
  to: 'SATVACH_ALERT_EMAIL_TO',
} as const;

/** The SMTP keys of the alert env, validated by its one schema (libs/monitoring), shared with Alertmanager. */
const SmtpEnvSchema = AlertEnvSchema.pick({
  SATVACH_ALERT_SMTP_HOST: true,
  SATVACH_ALERT_SMTP_USER: true,
  SATVACH_ALERT_SMTP_PASSWORD: true,
  SATVACH_ALERT_SMTP_REQUIRE_TLS: true,
  SATVACH_ALERT_EMAIL_FROM: true,
  SATVACH_ALERT_EMAIL_TO: true,
});

/**
 * Reads and validates the SMTP settings from env values (`source` names where they came from, for the
 * message). Every problem names its key; the password is wrapped as a Secret at once and never shown.
 */
export function smtpSettingsFrom(values: Readonly<Record<string, string | undefined>>, source: string): SmtpSettings {
  // An empty value means unset, as in the stack env.
  const given = Object.fromEntries(Object.values(SMTP_KEYS).map((key) => [key, values[key]?.trim() || undefined]));
  const parsed = SmtpEnvSchema.safeParse(given);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
  const env = parsed.success ? parsed.data : {};
  const present = (key: keyof typeof given) => given[key] !== undefined;
  if (!present(SMTP_KEYS.host)) problems.push(`${SMTP_KEYS.host}: missing; give the SMTP server as host:port, e.g. smtp.example.com:587`);
  if (!present(SMTP_KEYS.from)) problems.push(`${SMTP_KEYS.from}: missing; give the sender address`);
  if (!present(SMTP_KEYS.to)) problems.push(`${SMTP_KEYS.to}: missing; give one or more addresses separated by commas`);
  if (present(SMTP_KEYS.password) && !present(SMTP_KEYS.user)) problems.push(`${SMTP_KEYS.user}: missing; ${SMTP_KEYS.password} is set, so the server needs a user too`);
  if (problems.length > 0) throw new Error(`cannot email the cost report: the SMTP settings in ${source} are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const hostPort = env.SATVACH_ALERT_SMTP_HOST ?? '';
  const colon = hostPort.lastIndexOf(':');
  return {
    host: hostPort.slice(0, colon).replace(/^\[|\]$/g, ''),
    port: Number(hostPort.slice(colon + 1)),
    user: env.SATVACH_ALERT_SMTP_USER,
    password: env.SATVACH_ALERT_SMTP_PASSWORD === undefined ? undefined : secret(env.SATVACH_ALERT_SMTP_PASSWORD),
    requireTls: (env.SATVACH_ALERT_SMTP_REQUIRE_TLS ?? 'true') === 'true',
    from: env.SATVACH_ALERT_EMAIL_FROM ?? '',
    to: (env.SATVACH_ALERT_EMAIL_TO ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
  };
}

export interface ReportMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** The HTML page again as an attachment: mail clients that drop inline SVG still get the charts. */
  readonly attachmentName: string;
}

/** Sends the report: the HTML page as the body, the Markdown as the text part. Resolves with the message id. */
export async function sendReport(settings: SmtpSettings, mail: ReportMail): Promise<string> {
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    // 465 is SMTP over TLS from the first byte; other ports upgrade with STARTTLS when offered, and
    // must (as Alertmanager's smtp_require_tls) unless SATVACH_ALERT_SMTP_REQUIRE_TLS=false.
    secure: settings.port === 465,
    requireTLS: settings.requireTls,
    auth: settings.user === undefined ? undefined : { user: settings.user, pass: settings.password === undefined ? '' : revealValue(settings.password) },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: [...settings.to],
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: [{ filename: mail.attachmentName, content: mail.html, contentType: 'text/html; charset=utf-8' }],
    });
    return info.messageId;
  } catch (error) {
    // nodemailer's messages carry the server's reply, never the password.
    throw new Error(`cannot email the cost report through ${settings.host}:${settings.port}: ${(error as Error).message}`);
  } finally {
    transport.close();
  }
}
