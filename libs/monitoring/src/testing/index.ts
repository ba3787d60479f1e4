export { VALID_ALERT_ENV } from './env.ts';
export { alertmanagerAlerts, postAlert, startPipeline, testPrometheusConfig, type AlertmanagerAlert, type Pipeline, type PipelineOptions } from './pipeline.ts';
export {
  background,
  MAILPIT_VERSION,
  slackPayloadProblem,
  startMailpit,
  startSlackReceiver,
  startSns,
  type Background,
  type Mailpit,
  type SlackPayload,
  type SlackReceiver,
  type SnsStandIn,
} from './receivers.ts';
export {
  ALERT_EMAIL_TO,
  alertEnvFor,
  CHANNELS,
  countNotifications,
  notificationsOn,
  startAlertSinks,
  waitForNotifications,
  type AlertSinks,
  type AlertStatus,
  type Channel,
  type Notification,
} from './sinks.ts';
export { type RunningAlertmanager, secretsDirOf, startAlertmanager } from './alertmanager.ts';
export { rotationAnchoredAt, TEST_PEOPLE, testEmail, type AnchoredRotationOptions, type TestPerson } from './rotation.ts';
