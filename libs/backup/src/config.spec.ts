import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { thrown } from '@satvach/exec/testing';
import { CONFIG_KEYS, ConfigError, DEFAULTS, loadConfig, loadConfigFrom, pruneTarget } from './config.ts';

const example = new URL('../backup.env.example', import.meta.url).pathname;
const minimal = { SATVACH_BACKUP_DATABASE_URL: 'postgresql://satvach:pw-1@db:5432/satvach', SATVACH_BACKUP_S3_BUCKET: 'satvach-backups' };

const problem = (env: Record<string, string>): string => thrown(() => loadConfig(env), ConfigError).message;

describe('backup configuration', () => {
  it('loads the documented example file, and the file documents every key', () => {
    const config = loadConfigFrom(example);
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'satvach_backup', database: 'satvach' });
    expect(config.s3).toMatchObject({ endpoint: 'http://127.0.0.1:9000', bucket: 'satvach-backups', prefix: 'backups', forcePathStyle: true });
    expect(config.encryption.recipient).toMatch(/^age1/);
    expect(config.retention).toEqual({ daily: 7, weekly: 4, monthly: 12, minAgeHours: 24 });
    expect(config.schedule).toEqual({ cron: '0 3 * * *', timezone: 'UTC' });
    const text = readFileSync(example, 'utf8');
    for (const key of Object.keys(CONFIG_KEYS)) expect(text, key).toContain(key);
  });

  it('applies the defaults to a minimal configuration', () => {
    const config = loadConfig(minimal);
    expect(config.s3).toMatchObject({ endpoint: undefined, region: DEFAULTS.region, prefix: DEFAULTS.prefix });
    expect(config.retention).toEqual({ daily: DEFAULTS.keepDaily, weekly: DEFAULTS.keepWeekly, monthly: DEFAULTS.keepMonthly, minAgeHours: DEFAULTS.minAgeHours });
    expect(config.heartbeat).toBeUndefined();
    expect(config.encryption).toEqual({ recipient: undefined, identityFile: undefined });
  });

  it('accepts the backend asyncpg URL form and PG* parts', () => {
    expect(loadConfig({ ...minimal, SATVACH_BACKUP_DATABASE_URL: 'postgresql+asyncpg://u:p%40ss@127.0.0.1:6543/app' }).database).toMatchObject({ user: 'u', port: 6543, database: 'app' });
    const parts = loadConfig({ SATVACH_BACKUP_S3_BUCKET: 'b-1', PGHOST: '/run/pg', PGUSER: 'u', PGDATABASE: 'd', PGPASSWORD: 'p' });
    expect(parts.database).toMatchObject({ host: '/run/pg', port: 5432, user: 'u', database: 'd' });
    expect(parts.database.password?.reveal()).toBe('p');
  });

  it('wraps secrets so that printing the configuration never shows them', () => {
    const config = loadConfig({ ...minimal, SATVACH_BACKUP_S3_ACCESS_KEY_ID: 'AKIA', SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: 's3-secret-9', SATVACH_BACKUP_HEARTBEAT_URL: 'https://hc.example/uuid-123' });
    const shown = `${JSON.stringify(config)}\n${inspect(config, { depth: 10 })}`;
    for (const value of ['pw-1', 's3-secret-9', 'uuid-123']) expect(shown).not.toContain(value);
    expect(config.heartbeat?.failureUrl.reveal()).toBe('https://hc.example/uuid-123/fail');
  });

  it('names every offending key and what to do, all at once', () => {
    const message = problem({ SATVACH_BACKUP_S3_BUCKET: 'Bad_Bucket', SATVACH_BACKUP_KEEP_DAILY: 'seven', SATVACH_BACKUP_AGE_RECIPIENT: 'ssh-ed25519 AAAA' });
    expect(message).toContain('SATVACH_BACKUP_S3_BUCKET: must be an S3 bucket name');
    expect(message).toContain('SATVACH_BACKUP_KEEP_DAILY: must be a whole number');
    expect(message).toContain('SATVACH_BACKUP_AGE_RECIPIENT: must be an age public key');
    expect(message).toContain('libs/backup/backup.env.example');
  });

  it('requires a database and a bucket', () => {
    const message = problem({});
    expect(message).toContain('SATVACH_BACKUP_S3_BUCKET: is required');
    expect(message).toContain('SATVACH_BACKUP_DATABASE_URL: is required');
    expect(problem({ SATVACH_BACKUP_S3_BUCKET: 'b-1' })).toContain('SATVACH_BACKUP_DATABASE_URL: is required (or set PGHOST, PGUSER, PGDATABASE');
  });

  it('refuses a URL and PG* parts together, and a bad schedule', () => {
    expect(problem({ ...minimal, PGHOST: 'other' })).toContain('set either the URL or the PG* parts, not both');
    expect(problem({ ...minimal, SATVACH_BACKUP_SCHEDULE: 'every night' })).toContain('SATVACH_BACKUP_SCHEDULE');
    expect(problem({ ...minimal, SATVACH_BACKUP_SCHEDULE: '61 3 * * *' })).toMatch(/SATVACH_BACKUP_SCHEDULE \/ SATVACH_BACKUP_TIMEZONE: .*; use five cron fields/);
    expect(problem({ ...minimal, SATVACH_BACKUP_TIMEZONE: 'Mars/Olympus' })).toMatch(/SATVACH_BACKUP_SCHEDULE \/ SATVACH_BACKUP_TIMEZONE: .*IANA zone/);
    expect(problem({ ...minimal, SATVACH_BACKUP_TIMEZONE: 'Mars/Olympus' })).toContain('SATVACH_BACKUP_TIMEZONE');
  });

  it('a secret in a rejected value is not echoed back', () => {
    const message = problem({ ...minimal, SATVACH_BACKUP_DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(message).toContain('SATVACH_BACKUP_DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('reads --env-file with comments, export and quotes, and names the file and line of a line it cannot read, never its text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-env-'));
    try {
      const file = join(dir, 'backup.env');
      writeFileSync(file, `# c\nexport SATVACH_BACKUP_DATABASE_URL="postgresql://u@h/d"\nSATVACH_BACKUP_S3_BUCKET='satvach-backups'\n`);
      expect(loadConfigFrom(file).s3.bucket).toBe('satvach-backups');
      writeFileSync(file, 'SATVACH_BACKUP_S3_BUCKET=satvach-backups\npasted-secret-value\nPGPASSWORD=p#ss\n');
      const error = thrown(() => loadConfigFrom(file), ConfigError);
      expect(error.message).toContain(`invalid backup configuration in ${file}:\n  - line 2: not KEY=value\n  - line 3: PGPASSWORD holds # without quotes`);
      expect(error.message).not.toContain('pasted-secret-value');
      expect(error.message).not.toContain('p#ss');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a malformed replica bucket is named under its key with the shared bucket rule', () => {
    expect(problem({ ...minimal, SATVACH_BACKUP_REPLICA_S3_BUCKET: 'Replica_Bucket' })).toContain('SATVACH_BACKUP_REPLICA_S3_BUCKET: must be an S3 bucket name: 3-63 lowercase letters');
  });

  it('an unreadable env file is named', () => {
    expect(() => loadConfigFrom('/nonexistent/backup.env')).toThrow('cannot read the backup env file /nonexistent/backup.env: ENOENT');
  });

  it('the retention identity: both keys or none, and prune names them when they are missing', () => {
    expect(problem({ ...minimal, SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: 'satvach-retention' })).toContain('SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: is required when SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID is set');
    expect(() => pruneTarget(loadConfig(minimal))).toThrow(/^prune needs the retention identity: set SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID and SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY/);
    const config = loadConfig({ ...minimal, SATVACH_BACKUP_S3_ACCESS_KEY_ID: 'writer', SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: 'w-secret-1', SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: 'satvach-retention', SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: 'r-secret-1' });
    expect(pruneTarget(config)).toMatchObject({ bucket: 'satvach-backups', accessKeyId: 'satvach-retention', keyPrefix: 'SATVACH_BACKUP_PRUNE_S3' });
    expect(pruneTarget(config).secretAccessKey?.reveal()).toBe('r-secret-1');
    expect(inspect(config)).not.toContain('r-secret-1');
  });

  it('the replica is off without its bucket, and validated (naming each key) with it', () => {
    expect(loadConfig(minimal).replica).toBeUndefined();
    expect(problem({ ...minimal, SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: 'https://r2.example' })).toContain('SATVACH_BACKUP_REPLICA_S3_BUCKET: is required when SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL is set');
    const message = problem({ ...minimal, SATVACH_BACKUP_REPLICA_S3_BUCKET: 'offsite', SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: 'not a url', SATVACH_BACKUP_REPLICA_S3_FORCE_PATH_STYLE: 'yes' });
    expect(message).toContain('SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: must be a URL');
    expect(message).toContain('SATVACH_BACKUP_REPLICA_S3_FORCE_PATH_STYLE: must be true or false');
    expect(problem({ ...minimal, SATVACH_BACKUP_REPLICA_S3_BUCKET: 'offsite' })).toContain('SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: is required with SATVACH_BACKUP_REPLICA_S3_BUCKET');
    expect(problem({ ...minimal, SATVACH_BACKUP_REPLICA_S3_BUCKET: 'satvach-backups', SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: 'k', SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: 's-1' })).toContain(
      'SATVACH_BACKUP_REPLICA_S3_BUCKET: is the primary target itself',
    );

    const config = loadConfig({
      ...minimal,
      SATVACH_BACKUP_S3_PREFIX: 'nightly',
      SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: 'https://acct.r2.cloudflarestorage.com',
      SATVACH_BACKUP_REPLICA_S3_REGION: 'auto',
      SATVACH_BACKUP_REPLICA_S3_BUCKET: 'offsite',
      SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: 'replica-key',
      SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: 'replica-secret-1',
    });
    expect(config.replica).toMatchObject({ target: 'replica', keyPrefix: 'SATVACH_BACKUP_REPLICA_S3', endpoint: 'https://acct.r2.cloudflarestorage.com', region: 'auto', bucket: 'offsite', prefix: 'nightly', accessKeyId: 'replica-key', forcePathStyle: true });
    expect(inspect(config)).not.toContain('replica-secret-1');
  });
});
