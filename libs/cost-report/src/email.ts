import { type MaybeSecret, revealValue, secret } from '@satvach/exec';
import { createTransport } from 'nodemailer';
import { z } from 'zod';

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

const email = z.email();

/**
 * Reads and validates the SMTP settings from env values (`source` names where they came from, for the
 * message). Every problem names its key; the password is wrapped as a Secret at once and never shown.
 */
export function smtpSettingsFrom(values: Readonly<Record<string, string | undefined>>, source: string): SmtpSettings {
  const problems: string[] = [];
  const value = (key: string) => {
    const text = values[key]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  const hostPort = value(SMTP_KEYS.host);
  const match = hostPort === undefined ? undefined : /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(hostPort);
  const port = match ? Number(match[2]) : 0;
  if (hostPort === undefined) problems.push(`${SMTP_KEYS.host}: missing; give the SMTP server as host:port, e.g. smtp.example.com:587`);
  else if (!match || port < 1 || port > 65_535) problems.push(`${SMTP_KEYS.host}: "${hostPort}" is not host:port (e.g. smtp.example.com:587)`);
  const requireTls = value(SMTP_KEYS.requireTls) ?? 'true';
  if (requireTls !== 'true' && requireTls !== 'false') problems.push(`${SMTP_KEYS.requireTls}: "${requireTls}" is not true or false`);
  const from = value(SMTP_KEYS.from);
  if (from === undefined) problems.push(`${SMTP_KEYS.from}: missing; give the sender address`);
  else if (!email.safeParse(from).success) problems.push(`${SMTP_KEYS.from}: "${from}" is not an email address`);
  const to = (value(SMTP_KEYS.to) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (to.length === 0) problems.push(`${SMTP_KEYS.to}: missing; give one or more addresses separated by commas`);
  for (const address of to) if (!email.safeParse(address).success) problems.push(`${SMTP_KEYS.to}: "${address}" is not an email address`);
  const user = value(SMTP_KEYS.user);
  const password = value(SMTP_KEYS.password);
  if (password !== undefined && user === undefined) problems.push(`${SMTP_KEYS.user}: missing; ${SMTP_KEYS.password} is set, so the server needs a user too`);
  if (problems.length > 0) throw new Error(`cannot email the cost report: the SMTP settings in ${source} are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    host: (match?.[1] ?? '').replace(/^\[|\]$/g, ''),
    port,
    user,
    password: password === undefined ? undefined : secret(password),
    requireTls: requireTls === 'true',
    from: from ?? '',
    to,
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
