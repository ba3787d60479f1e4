/** A complete, valid alert env (the shape the stack env gives), for specs and the delivery harness. */
export const VALID_ALERT_ENV = {
  SATVACH_ALERT_EMAIL_TO: 'ops@example.com,oncall@example.com',
  SATVACH_ALERT_EMAIL_FROM: 'alerts@example.com',
  SATVACH_ALERT_SMTP_HOST: 'smtp.example.com:587',
  SATVACH_ALERT_SMTP_USER: 'alerts',
  SATVACH_ALERT_SMTP_PASSWORD: 'smtp-pass-Zq81x',
  SATVACH_ALERT_SMTP_REQUIRE_TLS: 'true',
  SATVACH_ALERT_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0001/B0001/slacksecretXYZ',
  SATVACH_ALERT_SLACK_CHANNEL: '#alerts',
  SATVACH_ALERT_SMS_SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:satvach-alerts',
  SATVACH_ALERT_SMS_SNS_REGION: 'eu-west-1',
  SATVACH_ALERT_SMS_ACCESS_KEY_ID: 'AKIAEXAMPLE0000001',
  SATVACH_ALERT_SMS_SECRET_ACCESS_KEY: 'aws-secret-Q2v9plmT4k',
} as const satisfies Record<string, string>;
