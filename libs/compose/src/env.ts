import { appendFileSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvFileError, type MaybeSecret, readEnvFile, secret } from '@satvach/exec';
// The backup container checks these values with the same rules when it starts.
import { ageRecipientProblem, bucketNameProblem, checkedBy, scheduleProblem } from '@satvach/backup/values';
import { parseImageRef, validateImageRef, validateRepository } from '@satvach/image';
import { alertEnvShape, missingAlertKeys } from '@satvach/monitoring';
import { z } from 'zod';

/**
 * The stack's environment: every variable the compose files interpolate, typed. Secrets may come
 * from `<NAME>_FILE` (a path whose content is the value), so they need not sit in .env.
 */
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _, starting with a letter (max 63)');
// pg_ names are reserved for PostgreSQL's own roles.
const roleName = identifier.refine((name) => !name.startsWith('pg_'), 'not starting with pg_ (reserved by PostgreSQL)');
const port = z.coerce.number().int().min(1).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const imageRef = z.string().check((ctx) => {
  try {
    validateImageRef(ctx.value);
  } catch (error) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `${(error as Error).message} (e.g. ghcr.io/acme/backend:1.2.3)` });
  }
});
const DIGEST_REF = /^(.+)@sha256:[0-9a-f]{64}$/;
/** An image that cannot move under us: pinned by digest, or an immutable tag (never `latest`). */
const pinnedImageRef = z.string().check((ctx) => {
  try {
    const byDigest = DIGEST_REF.exec(ctx.value);
    if (byDigest) {
      validateRepository(byDigest[1] as string);
      return;
    }
    validateImageRef(ctx.value);
    if (parseImageRef(ctx.value).tag === 'latest') throw new Error(`"${ctx.value}" is a moving tag`);
  } catch (error) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `${(error as Error).message}; pin it by digest (name@sha256:…, from the release manifest) or an immutable tag such as sha-1a2b3c4` });
  }
});
const bool = z.enum(['true', 'false'], { message: 'true or false' });
const bucketName = checkedBy(bucketNameProblem);
// The tunnel connector's address(es); edge-entrypoint.sh applies the same rules when the image starts.
// A whole private range is refused: anyone on it could name any client and spend anyone's rate limit.
// A /29 holds a handful of addresses: a pinned connector or two, never a whole compose subnet.
const TRUSTED_PROXY_WIDEST = { v4: 29, v6: 125 } as const;
const trustedProxies = z.string().check((ctx) => {
  const entries = ctx.value.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) ctx.issues.push({ code: 'custom', input: ctx.value, message: 'names no address; give the tunnel connector\'s own address, e.g. 127.0.0.1,::1' });
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/', 2);
    const family = z.ipv4().safeParse(address).success ? 'v4' : z.ipv6().safeParse(address).success ? 'v6' : undefined;
    const bits = family === 'v4' ? 32 : 128;
    let problem: string | undefined;
    if (!family || entry.split('/').length > 2) problem = 'is not an IPv4 or IPv6 address or CIDR';
    else if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) problem = 'has a malformed prefix length';
    else if (prefix !== undefined && Number(prefix) > bits) problem = `has a prefix length beyond /${bits}`;
    else if (prefix !== undefined && Number(prefix) < TRUSTED_PROXY_WIDEST[family]) {
      problem = `is wider than /${TRUSTED_PROXY_WIDEST[family]}: trusting a whole range lets anyone on it forge client addresses`;
    }
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: `'${entry}' ${problem} (give the tunnel connector's own address, e.g. 127.0.0.1,::1 when it shares the edge's network)` });
  }
});
// Passwords go into the backend's database URL, so they keep to URL-safe characters.
const urlSafeSecret = (min: number) =>
  z.string().min(min, `at least ${min} characters`).regex(/^[A-Za-z0-9._~-]+$/, 'letters, digits and . _ ~ - only (it goes into a URL)');

const s3KeyId = z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, '3 to 64 letters, digits or . _ -');

export const StackEnvSchema = z.object({
  SATVACH_BACKEND_IMAGE: imageRef.optional(),
  SATVACH_EDGE_IMAGE: imageRef.optional(),
  SATVACH_DB_IMAGE: imageRef.optional(),
  SATVACH_MINIO_IMAGE: imageRef.optional(),
  SATVACH_MC_IMAGE: imageRef.optional(),
  SATVACH_CLOUDFLARED_IMAGE: imageRef.optional(),
  // The monitoring profile's images (docker/compose.yml pins their defaults).
  SATVACH_PROMETHEUS_IMAGE: imageRef.optional(),
  SATVACH_ALERTMANAGER_IMAGE: imageRef.optional(),
  SATVACH_NODE_EXPORTER_IMAGE: imageRef.optional(),
  SATVACH_BLACKBOX_EXPORTER_IMAGE: imageRef.optional(),
  SATVACH_POSTGRES_EXPORTER_IMAGE: imageRef.optional(),
  SATVACH_NGINX_EXPORTER_IMAGE: imageRef.optional(),
  SATVACH_CADVISOR_IMAGE: imageRef.optional(),
  POSTGRES_DB: identifier.default('satvach'),
  POSTGRES_USER: identifier.default('satvach'),
  POSTGRES_PASSWORD: urlSafeSecret(12),
  // The roles satvach.bootstrap_roles creates (db-bootstrap job): migrations, the backend, backups.
  SATVACH_DB_OWNER_USER: roleName.default('satvach_owner'),
  SATVACH_DB_OWNER_PASSWORD: urlSafeSecret(12),
  SATVACH_DB_APP_USER: roleName.default('satvach_app'),
  SATVACH_DB_APP_PASSWORD: urlSafeSecret(12),
  SATVACH_DB_APP_CONNECTION_LIMIT: z.coerce.number({ message: 'a whole number of connections' }).int('a whole number of connections').min(1, 'at least 1 connection').default(64),
  SATVACH_DB_BACKUP_USER: roleName.default('satvach_backup'),
  SATVACH_DB_BACKUP_PASSWORD: urlSafeSecret(12),
  // postgres-exporter's role: pg_monitor only (statistics, no table data, no writes).
  SATVACH_DB_MONITOR_USER: roleName.default('satvach_monitor'),
  SATVACH_DB_MONITOR_PASSWORD: urlSafeSecret(12),
  MINIO_ROOT_USER: s3KeyId.default('satvach'),
  // MinIO refuses root passwords shorter than 8 characters.
  MINIO_ROOT_PASSWORD: urlSafeSecret(8),
  // One MinIO user per service (docker/minio/init.sh); only minio and minio-init see the root user.
  SATVACH_S3_ACCESS_KEY_ID: s3KeyId.default('satvach-backend'),
  SATVACH_S3_SECRET_ACCESS_KEY: urlSafeSecret(8),
  SATVACH_BACKUP_S3_ACCESS_KEY_ID: s3KeyId.default('satvach-backup'),
  SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: urlSafeSecret(8),
  SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: s3KeyId.default('satvach-retention'),
  SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: urlSafeSecret(8),
  // Prometheus's MinIO identity (policy satvach-monitoring: admin:Prometheus only); its secret signs the scrape token.
  SATVACH_MINIO_MONITOR_ACCESS_KEY_ID: s3KeyId.default('satvach-monitor'),
  SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY: urlSafeSecret(8),
  SATVACH_S3_BUCKET: bucketName.default('satvach-photos'),
  SATVACH_S3_PUBLIC_ENDPOINT_URL: z.url({ message: 'a URL such as https://files.example.com' }).optional(),
  SATVACH_HTTP_BIND: z.union([z.ipv4(), z.ipv6()], { message: 'an IP address such as 127.0.0.1 or 0.0.0.0' }).default('127.0.0.1'),
  SATVACH_HTTP_PORT: port.default(8080),
  SATVACH_DB_PORT: port.default(5432),
  SATVACH_EDGE_RATE_PER_S: positiveInt.default(20),
  SATVACH_EDGE_RATE_BURST: positiveInt.default(40),
  SATVACH_EDGE_BEHIND_TUNNEL: bool.default('false'),
  SATVACH_EDGE_TRUSTED_PROXY: trustedProxies.default('127.0.0.1,::1'),
  SATVACH_PHOTO_MAX_BYTES: positiveInt.default(5_242_880),
  SATVACH_LOG_LEVEL: z.enum(['debug', 'info', 'warning', 'error']).default('info'),
  TUNNEL_TOKEN: z.string().min(20, 'the token from the Cloudflare dashboard (Zero Trust → Tunnels)').optional(),
  TUNNEL_CREDENTIALS_PATH: z.string().min(1).default('./cloudflared/credentials.json'),
  SATVACH_BACKUP_IMAGE: pinnedImageRef.optional(),
  SATVACH_BACKUP_S3_BUCKET: bucketName.default('satvach-backups'),
  // The stack has no time-zone key: the backup container schedules in UTC, its default.
  SATVACH_BACKUP_SCHEDULE: checkedBy((cron) => scheduleProblem(cron)).default('0 3 * * *'),
  SATVACH_BACKUP_AGE_RECIPIENT: checkedBy(ageRecipientProblem).optional(),
  SATVACH_BACKUP_HEARTBEAT_URL: z.url({ message: 'a URL such as https://hc-ping.com/<uuid>' }).optional(),
  // Off-host replica (libs/backup): optional; libs/backup validates the set when the bucket is given.
  SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: z.url({ message: 'a URL such as https://<account>.r2.cloudflarestorage.com' }).optional(),
  SATVACH_BACKUP_REPLICA_S3_REGION: z.string().regex(/^[a-z0-9-]{2,32}$/, 'a region such as us-east-1, eu-central-003 or auto').optional(),
  SATVACH_BACKUP_REPLICA_S3_BUCKET: bucketName.optional(),
  SATVACH_BACKUP_REPLICA_S3_PREFIX: z.string().regex(/^[A-Za-z0-9._\-/]+$/, 'letters, digits, . _ - / only').optional(),
  SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: z.string().min(3, 'the replica provider\'s access key id').optional(),
  SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: z.string().min(8, 'at least 8 characters').optional(),
  SATVACH_BACKUP_REPLICA_S3_FORCE_PATH_STYLE: bool.default('true'),
  // The logging profile (docker/monitoring/logging/README.md): VictoriaLogs and the log shipper.
  SATVACH_VICTORIALOGS_IMAGE: imageRef.optional(),
  SATVACH_LOGS_SHIPPER_IMAGE: pinnedImageRef.optional(),
  SATVACH_LOGS_RETENTION: z.string().regex(/^([1-9]\d*d|[1-9]\d*w|[1-9]\d*M|[1-9]\d*y)$/, 'a whole number of days, weeks, months or years such as 30d, 4w, 6M or 1y (VictoriaLogs keeps at least 1d)').default('30d'),
  SATVACH_LOGS_MAX_DISK: z.string().regex(/^[1-9]\d*(MiB|GiB|TiB|MB|GB|TB)$/, 'a size such as 512MiB, 5GiB or 1TiB').default('5GiB'),
  SATVACH_LOGS_PORT: port.default(9428),
  SATVACH_LOGS_FORMAT: z.enum(['jsonline', 'loki'], { message: 'jsonline (VictoriaLogs) or loki (Grafana Loki\'s push API)' }).default('jsonline'),
  SATVACH_LOGS_PUSH_URL: z.url({ protocol: /^https?$/, message: 'an http(s) URL such as http://victorialogs:9428 or http://loki:3100' }).default('http://victorialogs:9428'),
  // The monitoring profile: Prometheus's retention (time and size, Prometheus's units), the public
  // HTTPS address probed for TLS and certificate expiry (none: no TLS probe), and where stack:up
  // renders the files Prometheus and Alertmanager read (set by stack:up; not a setting).
  SATVACH_PROMETHEUS_RETENTION_TIME: z.string().regex(/^[1-9][0-9]*(h|d|w|y)$/, 'a duration such as 70d or 10w').default('70d'),
  SATVACH_PROMETHEUS_RETENTION_SIZE: z.string().regex(/^[1-9][0-9]*(MB|GB|TB)$/, 'a size such as 4GB or 500MB').default('4GB'),
  SATVACH_PUBLIC_URL: z.url({ protocol: /^https$/, message: 'the public https:// address, such as https://satvach.example.com/' }).optional(),
  SATVACH_MONITORING_DIR: z.string().regex(/^\/\S*$/, 'an absolute path (stack:up sets it)').optional(),
  SATVACH_DEPLOY_DIR: z.string().regex(/^\/[A-Za-z0-9/._-]*$/, 'an absolute path such as /var/lib/satvach/deploy').default('/var/lib/satvach/deploy'),
  // The on-call rotation the critical route pages (runbooks/oncall/README.md); relative to the workspace root.
  SATVACH_ONCALL_ROTATION: z.string().regex(/^[^\0]+\.ya?ml$/, 'a path to the rotation file (.yaml), such as runbooks/oncall/rotation.yaml').default('runbooks/oncall/rotation.yaml'),
  // Alert receivers (libs/monitoring): formats checked always, presence only with the monitoring profile.
  ...alertEnvShape,
});
export type StackEnv = z.infer<typeof StackEnvSchema>;

/** Variables whose value must never be printed; each may also be given as `<NAME>_FILE`. */
export const SECRET_KEYS = [
  'POSTGRES_PASSWORD',
  'SATVACH_DB_OWNER_PASSWORD',
  'SATVACH_DB_APP_PASSWORD',
  'SATVACH_DB_BACKUP_PASSWORD',
  'SATVACH_DB_MONITOR_PASSWORD',
  'MINIO_ROOT_PASSWORD',
  'SATVACH_S3_SECRET_ACCESS_KEY',
  'SATVACH_BACKUP_S3_SECRET_ACCESS_KEY',
  'SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY',
  'SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY',
  'SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY',
  'TUNNEL_TOKEN',
  'SATVACH_ALERT_SMTP_PASSWORD',
  'SATVACH_ALERT_SLACK_WEBHOOK_URL',
  'SATVACH_ALERT_SMS_SECRET_ACCESS_KEY',
] as const;
const isSecretKey = (key: string) => (SECRET_KEYS as readonly string[]).includes(key);
export const STACK_ENV_KEYS = Object.keys(StackEnvSchema.shape) as (keyof StackEnv)[];

const ROLE_KEYS = ['POSTGRES_USER', 'SATVACH_DB_OWNER_USER', 'SATVACH_DB_APP_USER', 'SATVACH_DB_BACKUP_USER', 'SATVACH_DB_MONITOR_USER'] as const;

/** The superuser and the four roles must be five different roles, or the separation is void. */
function roleNameClashes(env: StackEnv): string[] {
  return ROLE_KEYS.flatMap((key, index) => {
    const earlier = ROLE_KEYS.slice(0, index).find((other) => env[other] === env[key]);
    return earlier === undefined ? [] : [`${key}: "${env[key]}" is also ${earlier}; every database role needs a name of its own`];
  });
}

export class StackEnvError extends Error {
  override readonly name = 'StackEnvError';
  readonly problems: string[];
  constructor(problems: string[], source: string) {
    super(`the stack's environment (${source}) is not valid; nothing was started:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export interface LoadStackEnvInput {
  /** The .env file; missing is fine (everything may come from the process environment). */
  envFile: string;
  /** The process environment; it wins over the file, as with compose. */
  processEnv: Readonly<Record<string, string | undefined>>;
  /** Profiles that will be started: `tunnel` requires TUNNEL_TOKEN and SATVACH_EDGE_BEHIND_TUNNEL=true; `backup` checks SATVACH_BACKUP_IMAGE; `monitoring` requires the alert receivers (SATVACH_ALERT_*). */
  profiles?: readonly string[];
}

export interface LoadedStackEnv {
  env: StackEnv;
  /** The values as compose should see them, secrets resolved from files and wrapped as `Secret`. */
  composeEnv: Record<string, MaybeSecret>;
  /** Secret values, for redaction. */
  secrets: string[];
}

/** The documented example's text; none (no keys to generate) when a caller has no example. */
function readEnvExample(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** The .env file's values; a line that would be dropped stops the start, named like every other problem. */
function readStackEnvFile(file: string): Record<string, string> {
  try {
    return readEnvFile(file, { missing: 'empty' });
  } catch (error) {
    if (error instanceof EnvFileError) throw new StackEnvError([...error.problems], file);
    throw error;
  }
}

/**
 * Loads and validates the stack's environment: the .env file overlaid by the process environment,
 * `<SECRET>_FILE` resolved, every problem listed at once with the key and the expected form.
 */
export function loadStackEnv(input: LoadStackEnvInput): LoadedStackEnv {
  const fromFile = readStackEnvFile(input.envFile);
  const merged: Record<string, string> = { ...fromFile };
  for (const key of [...STACK_ENV_KEYS, ...SECRET_KEYS.map((key) => `${key}_FILE`)]) {
    const value = input.processEnv[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }

  const problems: string[] = [];
  for (const key of SECRET_KEYS) {
    const fileKey = `${key}_FILE`;
    const path = merged[fileKey];
    if (path === undefined || path === '') continue;
    if (merged[key]) problems.push(`${key} and ${fileKey}: set one of them, not both`);
    try {
      merged[key] = readFileSync(resolve(path), 'utf8').trim();
    } catch {
      problems.push(`${fileKey}: cannot read ${path}; point it at a readable file holding the secret`);
    }
    delete merged[fileKey];
  }
  for (const key of Object.keys(merged)) if (merged[key] === '') delete merged[key];
  // Only the backup profile runs that image; an older .env's moving default must not stop the rest.
  if (!input.profiles?.includes('backup')) delete merged.SATVACH_BACKUP_IMAGE;
  if (!input.profiles?.includes('logging')) delete merged.SATVACH_LOGS_SHIPPER_IMAGE;

  const parsed = StackEnvSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const why = issue.code === 'invalid_type' && merged[key] === undefined ? 'missing' : issue.message;
      const secretHint = (SECRET_KEYS as readonly string[]).includes(key) ? ` (or ${key}_FILE)` : '';
      problems.push(`${key}${secretHint}: ${why}`);
    }
  }
  if (parsed.success && input.profiles?.includes('tunnel') && !parsed.data.TUNNEL_TOKEN) {
    problems.push('TUNNEL_TOKEN (or TUNNEL_TOKEN_FILE): missing; the tunnel profile needs it');
  }
  if (parsed.success && input.profiles?.includes('tunnel') && parsed.data.SATVACH_EDGE_BEHIND_TUNNEL !== 'true') {
    // cloudflared shares the edge's network: without the real-IP rules every visitor is the local
    // connector — one rate-limit bucket for all, and /health/ready answered to the internet.
    problems.push('SATVACH_EDGE_BEHIND_TUNNEL: must be true with the tunnel profile, so the edge takes the visitor from CF-Connecting-IP instead of treating everyone as the local connector');
  }
  if (parsed.success && input.profiles?.includes('monitoring')) problems.push(...missingAlertKeys(parsed.data));
  if (parsed.success) problems.push(...roleNameClashes(parsed.data));
  if (problems.length > 0 || !parsed.success) throw new StackEnvError(problems, input.envFile);

  const composeEnv = Object.fromEntries(
    Object.entries(parsed.data)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, isSecretKey(key) ? secret(String(value)) : String(value)]),
  );
  const secrets = SECRET_KEYS.map((key) => parsed.data[key]).filter((value): value is string => Boolean(value));
  return { env: parsed.data, composeEnv, secrets };
}

/**
 * The rotation file stack:up pages from, for tools that need only that: SATVACH_ONCALL_ROTATION from
 * the env file, overlaid by the process environment, else its default; relative to the workspace root.
 * The same reading and rule as loadStackEnv, without requiring the stack's secrets.
 */
export function oncallRotationSetting(envFile: string, processEnv: Readonly<Record<string, string | undefined>>): string {
  const key = 'SATVACH_ONCALL_ROTATION';
  const value = processEnv[key] || readStackEnvFile(envFile)[key] || undefined;
  const parsed = StackEnvSchema.shape[key].safeParse(value);
  if (!parsed.success) throw new StackEnvError(parsed.error.issues.map((issue) => `${key}: ${issue.message}`), envFile);
  return parsed.data;
}

/**
 * An env file from before a secret was added to the example: the placeholder keys of the example it
 * lacks (given neither as `<KEY>` nor `<KEY>_FILE`, in the file or the process environment).
 */
export function missingSecrets(envFile: string, exampleFile: string, processEnv: Readonly<Record<string, string | undefined>>): string[] {
  const present = readStackEnvFile(envFile);
  const given = (key: string) => [key, `${key}_FILE`].some((name) => Boolean(present[name]) || Boolean(processEnv[name]));
  const wanted = [...readEnvExample(exampleFile).matchAll(new RegExp(`^([A-Z0-9_]+)=${GENERATED_PLACEHOLDER}$`, 'gm'))].map((match) => match[1] ?? '');
  return wanted.filter((key) => !given(key));
}

/** Appends generated secrets to an existing env file (never rewriting what is there). */
export function appendSecrets(envFile: string, values: Readonly<Record<string, string>>): void {
  const existing = readFileSync(envFile, 'utf8');
  const lines = Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join('');
  appendFileSync(envFile, `${existing === '' || existing.endsWith('\n') ? '' : '\n'}# added by npm start: secrets introduced after this file was created\n${lines}`);
}

/** The placeholder .env.example uses for values `ensureEnvFile` generates. */
export const GENERATED_PLACEHOLDER = 'generate-on-first-start';

/**
 * First start on a fresh clone: writes the env file from the documented example, with a random
 * value for each placeholder secret. Returns the keys it generated, or null when the file existed.
 */
export function ensureEnvFile(envFile: string, exampleFile: string, randomSecret: () => string): string[] | null {
  try {
    readFileSync(envFile);
    return null;
  } catch {
    // missing: create it below
  }
  const generated: string[] = [];
  const text = readFileSync(exampleFile, 'utf8').replace(new RegExp(`^([A-Z0-9_]+)=${GENERATED_PLACEHOLDER}$`, 'gm'), (_line, key: string) => {
    generated.push(key);
    return `${key}=${randomSecret()}`;
  });
  // Written whole under a temporary name, then linked into place: a first start interrupted mid-write
  // leaves no half-written env file to be reused later, and a concurrent start cannot overwrite it.
  const temporary = `${envFile}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    linkSync(temporary, envFile);
  } finally {
    rmSync(temporary, { force: true });
  }
  return generated;
}
