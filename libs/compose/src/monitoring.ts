import { createHmac } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parse } from 'yaml';
import { ALERT_ENV_KEYS, renderAlertmanagerConfig } from '@satvach/monitoring';
import type { Rotation } from '@satvach/oncall';
import type { StackEnv } from './env.ts';
import { planFromConfig } from './status.ts';

/**
 * The files the monitoring profile reads that depend on the stack (docker/compose.yml mounts
 * SATVACH_MONITORING_DIR/prometheus and …/alertmanager): Prometheus's targets that exist only with a
 * profile or with real MinIO, MinIO's scrape token, and Alertmanager's config. Paths are relative
 * to the monitoring directory.
 */
export type MonitoringFiles = Record<string, string>;

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

interface ServiceLabels {
  labels?: Record<string, string> | string[];
}

const MINIO_METRICS_LABEL = 'satvach.monitoring.metrics-path';
const MINIO_READINESS_LABEL = 'satvach.monitoring.readiness-path';

/** Compose renders labels as a map; a list form (`key=value`) is read too. */
function labelsOf(service: ServiceLabels | undefined): Record<string, string> {
  const labels = service?.labels ?? {};
  if (!Array.isArray(labels)) return labels;
  return Object.fromEntries(labels.map((entry) => [entry.split('=', 1)[0] as string, entry.slice(entry.indexOf('=') + 1)]));
}

/**
 * The bearer token MinIO takes on its metrics endpoint, as `mc admin prometheus generate` makes it:
 * a JWT (HS512) whose subject is the access key, signed with its secret key.
 */
export function minioPrometheusToken(accessKey: string, secretKey: string, now: Date): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // mc's default lifetime: 100 years; rotating the secret key revokes it.
  const expires = Math.floor(now.getTime() / 1000) + 100 * 365 * 24 * 3600;
  const unsigned = `${encode({ alg: 'HS512', typ: 'JWT' })}.${encode({ exp: expires, sub: accessKey, iss: 'prometheus' })}`;
  return `${unsigned}.${createHmac('sha512', secretKey).update(unsigned).digest('base64url')}`;
}

/** Where docker/compose.yml mounts SATVACH_MONITORING_DIR/alertmanager inside Alertmanager's container. */
const ALERTMANAGER_MOUNT = '/etc/alertmanager/rendered';

/**
 * Alertmanager's config from the stack env's SATVACH_ALERT_* keys and the on-call rotation
 * (libs/monitoring's renderer), and the files its secrets are read from (the SMTP password, the Slack
 * webhook URL): the config names them, the values never enter it. The SNS keys reach Alertmanager as
 * AWS_* environment (compose.yml).
 */
function alertmanagerFiles(env: StackEnv, rotation: Rotation, now: Date): MonitoringFiles {
  const alertEnv = Object.fromEntries(ALERT_ENV_KEYS.map((key) => [key, env[key]]));
  const rendered = renderAlertmanagerConfig(alertEnv, { secretsDir: `${ALERTMANAGER_MOUNT}/secrets`, rotation, now });
  return {
    'alertmanager/alertmanager.yml': rendered.config,
    ...Object.fromEntries(Object.entries(rendered.secretFiles).map(([name, value]) => [`alertmanager/secrets/${name}`, value.reveal()])),
  };
}

/** The monitoring files for this rendered compose config, these profiles, this env and rotation. */
export function renderMonitoringFiles(renderedConfig: string, profiles: readonly string[], env: StackEnv, now: Date, rotation: Rotation): MonitoringFiles {
  const running = new Set(planFromConfig(renderedConfig, profiles).services);
  const services = (parse(renderedConfig) as { services?: Record<string, ServiceLabels> }).services ?? {};
  const minio = labelsOf(services.minio);
  const scrapeMinio = running.has('minio') && Boolean(minio[MINIO_METRICS_LABEL]);
  const groups = (entries: (TargetGroup | false)[]) => `${JSON.stringify(entries.filter((entry): entry is TargetGroup => entry !== false), null, 2)}\n`;

  return {
    // One target per metrics path (MinIO splits cluster and per-bucket metrics), told apart by `metrics`.
    'prometheus/targets/minio.json': groups(
      scrapeMinio
        ? (minio[MINIO_METRICS_LABEL] as string).split(',').map((path) => ({ targets: ['minio:9000'], labels: { service: 'minio', metrics: posix.basename(path), __metrics_path__: path } }))
        : [],
    ),
    // A scrape token for MinIO only where it is scraped; an empty file keeps the config loadable.
    'prometheus/minio-token': scrapeMinio ? minioPrometheusToken(env.SATVACH_MINIO_MONITOR_ACCESS_KEY_ID, env.SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY, now) : '',
    // cloudflared shares the edge's network namespace: its metrics listener is at edge:2000.
    'prometheus/targets/cloudflared.json': groups([running.has('cloudflared') && { targets: ['edge:2000'], labels: { service: 'cloudflared' } }]),
    'prometheus/targets/backup.json': groups([running.has('backup') && { targets: ['backup:9464'], labels: { service: 'backup' } }]),
    'prometheus/targets/probes.json': groups([
      running.has('minio') && { targets: [`http://minio:9000${minio[MINIO_READINESS_LABEL] ?? '/minio/health/ready'}`], labels: { probe: 'object-storage', service: 'minio', __param_module: 'http_2xx' } },
      env.SATVACH_PUBLIC_URL !== undefined && { targets: [env.SATVACH_PUBLIC_URL], labels: { probe: 'tls', service: 'edge', __param_module: 'https_2xx' } },
    ]),
    ...alertmanagerFiles(env, rotation, now),
  };
}

export const monitoringDirPath = (stateDir: string, projectName: string) => join(stateDir, `${projectName}.monitoring`);

/** The containers of the monitoring profile run as nobody (docker/compose.yml `user: "65534:65534"`). */
const CONTAINER_USER = 65534;

/** Files holding a credential: the MinIO scrape token, and Alertmanager's config and receiver secrets. */
const holdsSecret = (relative: string) => relative === 'prometheus/minio-token' || relative.startsWith('alertmanager/');

/**
 * Writes the files, each replaced whole (Prometheus re-reads target files when they change), in the
 * owner-only state directory (0700). The containers read them as nobody: run as root (as on a
 * production host), a file holding a credential is 0600 and owned by nobody, the rest 0644; run as
 * another user, which cannot give files away, those are 0644 too and only the 0700 state directory
 * keeps other users of the host out.
 */
export function writeMonitoringFiles(monitoringDir: string, files: MonitoringFiles): void {
  chmodSync(dirname(monitoringDir), 0o700);
  const asRoot = process.getuid?.() === 0;
  for (const [relative, text] of Object.entries(files)) {
    const file = join(monitoringDir, relative);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    const temporary = `${file}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    const private_ = asRoot && holdsSecret(relative);
    writeFileSync(temporary, text, { mode: private_ ? 0o600 : 0o644, flag: 'wx' });
    if (private_) chownSync(temporary, CONTAINER_USER, CONTAINER_USER);
    renameSync(temporary, file);
  }
}
