import { readFileSync } from 'node:fs';
import { EnvFileError, parseEnvFile, secret, type Secret } from '@satvach/exec';
import { z } from 'zod';
import { ageRecipientProblem, bucketNameProblem, checkedBy, scheduleProblem } from './values.ts';

/** Every configuration key, documented once: the loader's hints, the README table and the example file agree. */
export const CONFIG_KEYS = {
  SATVACH_BACKUP_DATABASE_URL: 'The database to back up, libpq form: postgresql://user:password@host:5432/satvach (postgresql+asyncpg:// is accepted). Or set PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE instead — not both.',
  PGHOST: 'Database host or unix socket directory (when SATVACH_BACKUP_DATABASE_URL is not set).',
  PGPORT: 'Database port. Default 5432.',
  PGUSER: 'Database user.',
  PGPASSWORD: 'Database password (a secret: never printed).',
  PGDATABASE: 'Database name.',
  SATVACH_BACKUP_S3_ENDPOINT_URL: 'S3 endpoint, e.g. http://minio:9000. Empty means AWS S3 itself.',
  SATVACH_BACKUP_S3_REGION: 'S3 region. Default us-east-1 (MinIO ignores it).',
  SATVACH_BACKUP_S3_BUCKET: 'Bucket that holds the backups; it must exist (the tool never creates it).',
  SATVACH_BACKUP_S3_PREFIX: 'Key prefix inside the bucket. Default backups; objects are <prefix>/<db>/<YYYY>/<MM>/<DD>/<timestamp>.dump[.age].',
  SATVACH_BACKUP_S3_ACCESS_KEY_ID: 'S3 access key id.',
  SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: 'S3 secret key (a secret: never printed).',
  SATVACH_BACKUP_S3_FORCE_PATH_STYLE: 'true for MinIO and other non-AWS endpoints (bucket in the path). Default true.',
  SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: 'Access key id of the retention identity: the only key that may delete backups, used only by prune (same endpoint and bucket as above). Required by prune.',
  SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: 'Secret key of the retention identity (a secret: never printed).',
  SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: 'Off-host replica (3-2-1): S3 endpoint of a second provider, e.g. https://<account>.r2.cloudflarestorage.com. Empty means AWS S3 itself. Every backup is streamed to the primary and the replica at once and counts as complete only when both hold it with the right checksum.',
  SATVACH_BACKUP_REPLICA_S3_REGION: 'Replica region. Default us-east-1 (R2: auto).',
  SATVACH_BACKUP_REPLICA_S3_BUCKET: 'Replica bucket; setting it turns the replica on (it must exist). The other REPLICA keys are checked only then.',
  SATVACH_BACKUP_REPLICA_S3_PREFIX: 'Key prefix in the replica bucket. Default: SATVACH_BACKUP_S3_PREFIX.',
  SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: 'Replica access key id: its own key, with put/get/list and no delete (retention there is the bucket\'s lifecycle rule). Required with the replica bucket.',
  SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: 'Replica secret key (a secret: never printed). Required with the replica bucket.',
  SATVACH_BACKUP_REPLICA_S3_FORCE_PATH_STYLE: 'true for path-style endpoints (MinIO, R2, B2 work either way). Default true.',
  SATVACH_BACKUP_AGE_RECIPIENT: 'age public key (age1…). When set, every backup is encrypted to it; the private key never needs to be on the database server.',
  SATVACH_BACKUP_AGE_IDENTITY_FILE: 'File holding the age private key (AGE-SECRET-KEY-1…), needed only where encrypted backups are restored or drilled.',
  SATVACH_BACKUP_KEEP_DAILY: 'Grandfather-father-son: newest backup of each of the last N days that have one. Default 7.',
  SATVACH_BACKUP_KEEP_WEEKLY: 'Newest backup of each of the last N ISO weeks that have one. Default 4.',
  SATVACH_BACKUP_KEEP_MONTHLY: 'Newest backup of each of the last N months that have one. Default 12.',
  SATVACH_BACKUP_KEEP_MIN_AGE_HOURS: 'Floor: prune never deletes a backup younger than this. Default 24.',
  SATVACH_BACKUP_HEARTBEAT_URL: 'Monitoring URL pinged (POST, the run summary as body) after every successful run, e.g. a healthchecks.io check URL (a secret: never printed).',
  SATVACH_BACKUP_HEARTBEAT_FAILURE_URL: 'URL pinged after a failed run. Default <SATVACH_BACKUP_HEARTBEAT_URL>/fail (healthchecks.io convention).',
  SATVACH_BACKUP_SCHEDULE: 'Cron expression of the scheduled backup in the backup container. Default 0 3 * * * (daily at 03:00).',
  SATVACH_BACKUP_TIMEZONE: 'IANA time zone of the schedule. Default UTC.',
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export const DEFAULTS = {
  port: 5432,
  region: 'us-east-1',
  prefix: 'backups',
  forcePathStyle: true,
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
  minAgeHours: 24,
  schedule: '0 3 * * *',
  timezone: 'UTC',
} as const;

export interface DatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: Secret | undefined;
  readonly database: string;
}

export interface S3Config {
  /** Which target this is, for messages: `primary` or `replica`. */
  readonly target: string;
  /** The configuration keys' common prefix, so that errors name the keys to fix. */
  readonly keyPrefix: string;
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: Secret | undefined;
  readonly forcePathStyle: boolean;
}

export interface RetentionPolicy {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
  readonly minAgeHours: number;
}

export interface BackupConfig {
  readonly database: DatabaseConfig;
  readonly s3: S3Config;
  /** The off-host copy, when SATVACH_BACKUP_REPLICA_S3_BUCKET is set. */
  readonly replica: S3Config | undefined;
  /** The retention identity's key pair (prune's deletes), when set. */
  readonly prune: { readonly accessKeyId: string; readonly secretAccessKey: Secret } | undefined;
  readonly encryption: { readonly recipient: string | undefined; readonly identityFile: string | undefined };
  readonly retention: RetentionPolicy;
  readonly heartbeat: { readonly successUrl: Secret; readonly failureUrl: Secret } | undefined;
  readonly schedule: { readonly cron: string; readonly timezone: string };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const count = (fallback: number) =>
  optionalText.pipe(
    z.union([z.undefined(), z.string().regex(/^\d+$/, 'must be a whole number ≥ 0, e.g. 7')]).transform((value) => (value === undefined ? fallback : Number(value))),
  );

const bool = (fallback: boolean) =>
  optionalText.pipe(
    z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .optional()
      .transform((value) => (value === undefined ? fallback : value === 'true')),
  );

const url = optionalText.pipe(z.union([z.undefined(), z.url({ message: 'must be a URL such as http://127.0.0.1:9000' })]));

const bucketName = checkedBy(bucketNameProblem);
const keyPrefix = z.union([z.undefined(), z.string().regex(/^[A-Za-z0-9._\-/]+$/, 'may hold only letters, digits, . _ - /')]);

const envSchema = z.object({
  SATVACH_BACKUP_DATABASE_URL: optionalText,
  PGHOST: optionalText,
  PGPORT: optionalText.pipe(z.union([z.undefined(), z.string().regex(/^\d+$/, 'must be a port number, e.g. 5432')])),
  PGUSER: optionalText,
  PGPASSWORD: z.string().optional(),
  PGDATABASE: optionalText,
  SATVACH_BACKUP_S3_ENDPOINT_URL: url,
  SATVACH_BACKUP_S3_REGION: optionalText,
  SATVACH_BACKUP_S3_BUCKET: optionalText.pipe(z.string({ message: 'is required: the bucket that holds the backups, e.g. satvach-backups' }).pipe(bucketName)),
  SATVACH_BACKUP_S3_PREFIX: optionalText.pipe(keyPrefix),
  SATVACH_BACKUP_S3_ACCESS_KEY_ID: optionalText,
  SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: z.string().optional(),
  SATVACH_BACKUP_S3_FORCE_PATH_STYLE: bool(DEFAULTS.forcePathStyle),
  SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: optionalText,
  SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: url,
  SATVACH_BACKUP_REPLICA_S3_REGION: optionalText,
  SATVACH_BACKUP_REPLICA_S3_BUCKET: optionalText.pipe(bucketName.optional()),
  SATVACH_BACKUP_REPLICA_S3_PREFIX: optionalText.pipe(keyPrefix),
  SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: optionalText,
  SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  SATVACH_BACKUP_REPLICA_S3_FORCE_PATH_STYLE: bool(DEFAULTS.forcePathStyle),
  SATVACH_BACKUP_AGE_RECIPIENT: optionalText.pipe(checkedBy(ageRecipientProblem).optional()),
  SATVACH_BACKUP_AGE_IDENTITY_FILE: optionalText,
  SATVACH_BACKUP_KEEP_DAILY: count(DEFAULTS.keepDaily),
  SATVACH_BACKUP_KEEP_WEEKLY: count(DEFAULTS.keepWeekly),
  SATVACH_BACKUP_KEEP_MONTHLY: count(DEFAULTS.keepMonthly),
  SATVACH_BACKUP_KEEP_MIN_AGE_HOURS: count(DEFAULTS.minAgeHours),
  SATVACH_BACKUP_HEARTBEAT_URL: url,
  SATVACH_BACKUP_HEARTBEAT_FAILURE_URL: url,
  SATVACH_BACKUP_SCHEDULE: optionalText,
  SATVACH_BACKUP_TIMEZONE: optionalText,
});

type ParsedEnv = z.infer<typeof envSchema>;

const trimSlashes = (prefix: string) => prefix.replace(/^\/+|\/+$/g, '');

/** The replica's keys are checked only when its bucket is set; a stray REPLICA key without it is named. */
function replicaProblems(values: ParsedEnv): string[] {
  const others = (
    [
      'SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL',
      'SATVACH_BACKUP_REPLICA_S3_REGION',
      'SATVACH_BACKUP_REPLICA_S3_PREFIX',
      'SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID',
      'SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY',
    ] as const
  ).filter((key) => (values[key] ?? '') !== '');
  if (values.SATVACH_BACKUP_REPLICA_S3_BUCKET === undefined) {
    return others.length === 0 ? [] : [`SATVACH_BACKUP_REPLICA_S3_BUCKET: is required when ${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} set (or remove them: no replica)`];
  }
  const problems: string[] = [];
  if (values.SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID === undefined) problems.push('SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: is required with SATVACH_BACKUP_REPLICA_S3_BUCKET: the replica has credentials of its own');
  if ((values.SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY ?? '') === '') problems.push('SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: is required with SATVACH_BACKUP_REPLICA_S3_BUCKET');
  const sameEndpoint = (values.SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL ?? '') === (values.SATVACH_BACKUP_S3_ENDPOINT_URL ?? '');
  const samePrefix = trimSlashes(values.SATVACH_BACKUP_REPLICA_S3_PREFIX ?? values.SATVACH_BACKUP_S3_PREFIX ?? DEFAULTS.prefix) === trimSlashes(values.SATVACH_BACKUP_S3_PREFIX ?? DEFAULTS.prefix);
  if (sameEndpoint && values.SATVACH_BACKUP_REPLICA_S3_BUCKET === values.SATVACH_BACKUP_S3_BUCKET && samePrefix) {
    problems.push('SATVACH_BACKUP_REPLICA_S3_BUCKET: is the primary target itself (same endpoint, bucket and prefix); point it at another provider or host');
  }
  return problems;
}

/** The S3 target prune deletes from: the primary's endpoint and bucket with the retention identity's key pair. */
export function pruneTarget(config: BackupConfig): S3Config {
  if (config.prune === undefined) {
    throw new ConfigError(
      'prune needs the retention identity: set SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID and SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY (the backup writer\'s key may not delete; see libs/backup/backup.env.example)',
    );
  }
  return { ...config.s3, keyPrefix: 'SATVACH_BACKUP_PRUNE_S3', accessKeyId: config.prune.accessKeyId, secretAccessKey: config.prune.secretAccessKey };
}

function databaseFrom(
  env: Pick<ParsedEnv, 'SATVACH_BACKUP_DATABASE_URL' | 'PGHOST' | 'PGPORT' | 'PGUSER' | 'PGPASSWORD' | 'PGDATABASE'>,
  problems: string[],
): DatabaseConfig | undefined {
  const parts = (['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE'] as const).filter((key) => env[key] !== undefined);
  if (env.SATVACH_BACKUP_DATABASE_URL !== undefined) {
    if (parts.length > 0) {
      problems.push(`SATVACH_BACKUP_DATABASE_URL and ${parts.join(', ')}: set either the URL or the PG* parts, not both`);
      return undefined;
    }
    const text = env.SATVACH_BACKUP_DATABASE_URL.replace(/^postgres(ql)?\+\w+:/, 'postgresql:');
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      problems.push('SATVACH_BACKUP_DATABASE_URL: is not a URL; expected postgresql://user:password@host:5432/database');
      return undefined;
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!/^postgres(ql)?:$/.test(parsed.protocol) || parsed.hostname === '' || database === '' || parsed.username === '') {
      problems.push('SATVACH_BACKUP_DATABASE_URL: needs user, host and database: postgresql://user:password@host:5432/database');
      return undefined;
    }
    return {
      host: parsed.hostname,
      port: parsed.port === '' ? DEFAULTS.port : Number(parsed.port),
      user: decodeURIComponent(parsed.username),
      password: parsed.password === '' ? undefined : secret(decodeURIComponent(parsed.password)),
      database,
    };
  }
  const missing = (['PGHOST', 'PGUSER', 'PGDATABASE'] as const).filter((key) => env[key] === undefined);
  if (missing.length > 0) {
    problems.push(`SATVACH_BACKUP_DATABASE_URL: is required (or set ${missing.join(', ')} with the other PG* parts): the database to back up, postgresql://user:password@host:5432/database`);
    return undefined;
  }
  return {
    host: env.PGHOST ?? '',
    port: env.PGPORT === undefined ? DEFAULTS.port : Number(env.PGPORT),
    user: env.PGUSER ?? '',
    password: env.PGPASSWORD === undefined || env.PGPASSWORD === '' ? undefined : secret(env.PGPASSWORD),
    database: env.PGDATABASE ?? '',
  };
}

/**
 * Validates the backup configuration from an environment (process.env or a parsed env file). Every
 * problem is reported at once, each naming its key and what to do; secrets are wrapped on read.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, source = 'the environment'): BackupConfig {
  const result = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const values = result.success ? result.data : undefined;
  // The database keys are checked even when others are invalid, so that one run names every problem.
  const trimmed = (key: string) => (env[key]?.trim() === '' ? undefined : env[key]?.trim());
  const databaseKeys = {
    SATVACH_BACKUP_DATABASE_URL: trimmed('SATVACH_BACKUP_DATABASE_URL'),
    PGHOST: trimmed('PGHOST'),
    PGPORT: values?.PGPORT,
    PGUSER: trimmed('PGUSER'),
    PGPASSWORD: env.PGPASSWORD,
    PGDATABASE: trimmed('PGDATABASE'),
  };
  const database = databaseFrom(databaseKeys, problems);
  if (values !== undefined) {
    if (values.SATVACH_BACKUP_S3_ACCESS_KEY_ID !== undefined && (values.SATVACH_BACKUP_S3_SECRET_ACCESS_KEY ?? '') === '') {
      problems.push('SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: is required when SATVACH_BACKUP_S3_ACCESS_KEY_ID is set');
    }
    if (values.SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID !== undefined && (values.SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY ?? '') === '') {
      problems.push('SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: is required when SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID is set');
    }
    if (values.SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID === undefined && (values.SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY ?? '') !== '') {
      problems.push('SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: is required when SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY is set');
    }
    problems.push(...replicaProblems(values));
    if (values.SATVACH_BACKUP_HEARTBEAT_FAILURE_URL !== undefined && values.SATVACH_BACKUP_HEARTBEAT_URL === undefined) {
      problems.push('SATVACH_BACKUP_HEARTBEAT_FAILURE_URL: set SATVACH_BACKUP_HEARTBEAT_URL too (success pings go there)');
    }
    const timezone = values.SATVACH_BACKUP_TIMEZONE ?? DEFAULTS.timezone;
    const scheduleIssue = scheduleProblem(values.SATVACH_BACKUP_SCHEDULE ?? DEFAULTS.schedule, timezone);
    if (scheduleIssue !== undefined) problems.push(`SATVACH_BACKUP_SCHEDULE / SATVACH_BACKUP_TIMEZONE: ${scheduleIssue}`);
  }
  if (problems.length > 0 || values === undefined || database === undefined) {
    throw new ConfigError(`invalid backup configuration in ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\nEvery key is documented in libs/backup/backup.env.example.`);
  }
  const heartbeat = values.SATVACH_BACKUP_HEARTBEAT_URL;
  const prefix = trimSlashes(values.SATVACH_BACKUP_S3_PREFIX ?? DEFAULTS.prefix);
  return {
    database,
    s3: {
      target: 'primary',
      keyPrefix: 'SATVACH_BACKUP_S3',
      endpoint: values.SATVACH_BACKUP_S3_ENDPOINT_URL,
      region: values.SATVACH_BACKUP_S3_REGION ?? DEFAULTS.region,
      bucket: values.SATVACH_BACKUP_S3_BUCKET,
      prefix,
      accessKeyId: values.SATVACH_BACKUP_S3_ACCESS_KEY_ID,
      secretAccessKey: values.SATVACH_BACKUP_S3_SECRET_ACCESS_KEY === undefined ? undefined : secret(values.SATVACH_BACKUP_S3_SECRET_ACCESS_KEY),
      forcePathStyle: values.SATVACH_BACKUP_S3_FORCE_PATH_STYLE,
    },
    replica:
      values.SATVACH_BACKUP_REPLICA_S3_BUCKET === undefined
        ? undefined
        : {
            target: 'replica',
            keyPrefix: 'SATVACH_BACKUP_REPLICA_S3',
            endpoint: values.SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL,
            region: values.SATVACH_BACKUP_REPLICA_S3_REGION ?? DEFAULTS.region,
            bucket: values.SATVACH_BACKUP_REPLICA_S3_BUCKET,
            prefix: values.SATVACH_BACKUP_REPLICA_S3_PREFIX === undefined ? prefix : trimSlashes(values.SATVACH_BACKUP_REPLICA_S3_PREFIX),
            accessKeyId: values.SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID,
            secretAccessKey: secret(values.SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY ?? ''),
            forcePathStyle: values.SATVACH_BACKUP_REPLICA_S3_FORCE_PATH_STYLE,
          },
    prune:
      values.SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID === undefined
        ? undefined
        : { accessKeyId: values.SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID, secretAccessKey: secret(values.SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY ?? '') },
    encryption: { recipient: values.SATVACH_BACKUP_AGE_RECIPIENT, identityFile: values.SATVACH_BACKUP_AGE_IDENTITY_FILE },
    retention: {
      daily: values.SATVACH_BACKUP_KEEP_DAILY,
      weekly: values.SATVACH_BACKUP_KEEP_WEEKLY,
      monthly: values.SATVACH_BACKUP_KEEP_MONTHLY,
      minAgeHours: values.SATVACH_BACKUP_KEEP_MIN_AGE_HOURS,
    },
    heartbeat:
      heartbeat === undefined
        ? undefined
        : { successUrl: secret(heartbeat), failureUrl: secret(values.SATVACH_BACKUP_HEARTBEAT_FAILURE_URL ?? `${heartbeat.replace(/\/+$/, '')}/fail`) },
    schedule: { cron: values.SATVACH_BACKUP_SCHEDULE ?? DEFAULTS.schedule, timezone: values.SATVACH_BACKUP_TIMEZONE ?? DEFAULTS.timezone },
  };
}

/** The configuration from an env file when one is named (that file only), else from the process environment. */
export function loadConfigFrom(envFile: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): BackupConfig {
  if (envFile === undefined) return loadConfig(env);
  let text: string;
  try {
    text = readFileSync(envFile, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the backup env file ${envFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; pass an existing file (see libs/backup/backup.env.example)`);
  }
  let values: Record<string, string>;
  try {
    values = parseEnvFile(text, envFile);
  } catch (error) {
    if (!(error instanceof EnvFileError)) throw error;
    throw new ConfigError(`invalid backup configuration in ${envFile}:\n${error.problems.map((problem) => `  - ${problem}`).join('\n')}\nEach line is KEY=value, # comment or blank (see libs/backup/backup.env.example).`);
  }
  return loadConfig(values, envFile);
}
