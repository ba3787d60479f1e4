import { describe, expect, it } from 'vitest';
import { isSecret } from '@satvach/exec';
import { thrown } from '@satvach/exec/testing';
import { smtpSettingsFrom } from './email.ts';

const good = {
  SATVACH_ALERT_SMTP_HOST: 'smtp.example.com:587',
  SATVACH_ALERT_SMTP_USER: 'satvach',
  SATVACH_ALERT_SMTP_PASSWORD: 'pa55-word-xyz',
  SATVACH_ALERT_EMAIL_FROM: 'satvach@example.com',
  SATVACH_ALERT_EMAIL_TO: 'ops@example.com, finance@example.com',
};

const problems = (values: Record<string, string | undefined>): string => thrown(() => smtpSettingsFrom(values, 'docker/.env')).message;

describe('SMTP settings from the stack env', () => {
  it('parses host:port, the recipients, TLS required by default, and wraps the password as a secret', () => {
    const settings = smtpSettingsFrom(good, 'docker/.env');
    expect(settings).toMatchObject({ host: 'smtp.example.com', port: 587, user: 'satvach', requireTls: true, from: 'satvach@example.com', to: ['ops@example.com', 'finance@example.com'] });
    expect(isSecret(settings.password)).toBe(true);
    expect(JSON.stringify(settings)).not.toContain('pa55-word-xyz');
    expect(smtpSettingsFrom({ ...good, SATVACH_ALERT_SMTP_HOST: '[::1]:25', SATVACH_ALERT_SMTP_REQUIRE_TLS: 'false' }, 'x')).toMatchObject({ host: '::1', port: 25, requireTls: false });
  });

  it('names every bad key with the file, never the password', () => {
    const message = problems({ SATVACH_ALERT_SMTP_HOST: 'smtp.example.com', SATVACH_ALERT_SMTP_PASSWORD: 'pa55-word-xyz', SATVACH_ALERT_EMAIL_FROM: 'not-an-address', SATVACH_ALERT_SMTP_REQUIRE_TLS: 'yes' });
    expect(message).toContain('the SMTP settings in docker/.env are not valid');
    expect(message).toContain('  - SATVACH_ALERT_SMTP_HOST: host:port such as smtp.example.com:587 (a port from 1 to 65535)');
    expect(message).toContain('  - SATVACH_ALERT_SMTP_REQUIRE_TLS: true or false');
    expect(message).toContain('  - SATVACH_ALERT_EMAIL_FROM: an email address such as ops@example.com');
    expect(message).toContain('  - SATVACH_ALERT_EMAIL_TO: missing');
    expect(message).toContain('  - SATVACH_ALERT_SMTP_USER: missing; SATVACH_ALERT_SMTP_PASSWORD is set');
    expect(message).not.toContain('pa55-word-xyz');
    expect(message).not.toContain('not-an-address');
    expect(problems({ ...good, SATVACH_ALERT_SMTP_HOST: 'smtp.example.com:70000' })).toContain('  - SATVACH_ALERT_SMTP_HOST: host:port such as smtp.example.com:587 (a port from 1 to 65535)');
    expect(problems({ ...good, SATVACH_ALERT_EMAIL_TO: 'ops@example.com, nobody' })).toContain('  - SATVACH_ALERT_EMAIL_TO: one or more email addresses separated by commas');
  });
});
