import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown } from '@satvach/exec/testing';
import { ageRecipientProblem, bucketNameProblem, scheduleProblem } from '@satvach/backup/values';
import { appendSecrets, ensureEnvFile, GENERATED_PLACEHOLDER, loadStackEnv, missingSecrets, oncallRotationSetting, STACK_ENV_KEYS, StackEnvError } from './env.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const S3_SECRETS = 'SATVACH_S3_SECRET_ACCESS_KEY=backend-secret-1\nSATVACH_BACKUP_S3_SECRET_ACCESS_KEY=backup-secret-1\nSATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY=prune-secret-1\nSATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY=monitor-secret-1\n';
const ROLE_PASSWORDS = 'SATVACH_DB_OWNER_PASSWORD=owner-password-1\nSATVACH_DB_APP_PASSWORD=app-password-123\nSATVACH_DB_BACKUP_PASSWORD=backup-password-1\nSATVACH_DB_MONITOR_PASSWORD=monitor-password-1\n';
const VALID = `POSTGRES_PASSWORD=correct-horse-battery\nMINIO_ROOT_PASSWORD=minio-secret-123\n${ROLE_PASSWORDS}${S3_SECRETS}`;

const problemsOf = (fn: () => unknown): string[] => thrown(fn, StackEnvError).problems;

describe('loadStackEnv', () => {
  it('applies defaults and lets the process environment win over the file', () => {
    const envFile = write('.env', `${VALID}SATVACH_HTTP_PORT=9090\n`);

    const { env, composeEnv, secrets } = loadStackEnv({ envFile, processEnv: { SATVACH_HTTP_PORT: '8181' } });

    expect(env.SATVACH_HTTP_PORT).toBe(8181);
    expect(env.POSTGRES_DB).toBe('satvach');
    expect(composeEnv.SATVACH_EDGE_RATE_BURST).toBe('40');
    expect(secrets).toEqual(['correct-horse-battery', 'owner-password-1', 'app-password-123', 'backup-password-1', 'monitor-password-1', 'minio-secret-123', 'backend-secret-1', 'backup-secret-1', 'prune-secret-1', 'monitor-secret-1']);
    expect(env).toMatchObject({ SATVACH_DB_OWNER_USER: 'satvach_owner', SATVACH_DB_APP_USER: 'satvach_app', SATVACH_DB_BACKUP_USER: 'satvach_backup', SATVACH_DB_MONITOR_USER: 'satvach_monitor', SATVACH_DB_APP_CONNECTION_LIMIT: 64 });
    expect([env.SATVACH_MINIO_MONITOR_ACCESS_KEY_ID, env.SATVACH_PROMETHEUS_RETENTION_TIME, env.SATVACH_PROMETHEUS_RETENTION_SIZE]).toEqual(['satvach-monitor', '70d', '4GB']);
    expect(env.SATVACH_S3_ACCESS_KEY_ID).toBe('satvach-backend');
    expect(env.SATVACH_BACKUP_S3_ACCESS_KEY_ID).toBe('satvach-backup');
    expect(env.SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID).toBe('satvach-retention');
  });

  it('lists every missing and malformed key at once, with the expected form', () => {
    const envFile = write('.env', 'SATVACH_HTTP_PORT=eighty\nPOSTGRES_USER=Bad-User\nSATVACH_EDGE_BEHIND_TUNNEL=yes\n');

    const problems = problemsOf(() => loadStackEnv({ envFile, processEnv: {} }));

    expect(problems).toEqual(
      expect.arrayContaining([
        'POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE): missing',
        'MINIO_ROOT_PASSWORD (or MINIO_ROOT_PASSWORD_FILE): missing',
        'SATVACH_DB_OWNER_PASSWORD (or SATVACH_DB_OWNER_PASSWORD_FILE): missing',
        'SATVACH_DB_APP_PASSWORD (or SATVACH_DB_APP_PASSWORD_FILE): missing',
        'SATVACH_DB_BACKUP_PASSWORD (or SATVACH_DB_BACKUP_PASSWORD_FILE): missing',
        'SATVACH_DB_MONITOR_PASSWORD (or SATVACH_DB_MONITOR_PASSWORD_FILE): missing',
        'SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY (or SATVACH_MINIO_MONITOR_SECRET_ACCESS_KEY_FILE): missing',
        'SATVACH_S3_SECRET_ACCESS_KEY (or SATVACH_S3_SECRET_ACCESS_KEY_FILE): missing',
        'SATVACH_BACKUP_S3_SECRET_ACCESS_KEY (or SATVACH_BACKUP_S3_SECRET_ACCESS_KEY_FILE): missing',
        'SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY (or SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY_FILE): missing',
        expect.stringMatching(/^SATVACH_HTTP_PORT: /),
        expect.stringMatching(/^POSTGRES_USER: lowercase letters/),
        'SATVACH_EDGE_BEHIND_TUNNEL: true or false',
      ]),
    );
    expect(problems).toHaveLength(13);
  });

  it('names the .env file and the line it cannot read, never the line, and starts nothing', () => {
    const envFile = write('.env', `${VALID}pasted-password-on-its-own-line\nPOSTGRES_PASSWORD=abc#defghijklmn\n`);
    const lines = VALID.split('\n').length;
    const error = thrown(() => loadStackEnv({ envFile, processEnv: {} }), StackEnvError);
    expect(error.problems).toEqual([
      `line ${lines}: not KEY=value`,
      `line ${lines + 1}: POSTGRES_PASSWORD holds # without quotes, which would start a comment; quote the value`,
    ]);
    expect((error as Error).message).toContain(`the stack's environment (${envFile}) is not valid; nothing was started`);
    expect((error as Error).message).not.toMatch(/pasted-password|abc#def/);
  });

  it('checks the backup values with the rules the backup tool itself uses, each problem under its key', () => {
    const envFile = write(
      '.env',
      `${VALID}SATVACH_S3_BUCKET=Photos_Bucket\nSATVACH_BACKUP_REPLICA_S3_BUCKET=ab\nSATVACH_BACKUP_SCHEDULE=0 0 3 * * *\nSATVACH_BACKUP_AGE_RECIPIENT=age1short\n`,
    );
    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {} }))).toEqual([
      `SATVACH_S3_BUCKET: ${bucketNameProblem('Photos_Bucket')}`,
      `SATVACH_BACKUP_SCHEDULE: ${scheduleProblem('0 0 3 * * *')}`,
      `SATVACH_BACKUP_AGE_RECIPIENT: ${ageRecipientProblem('age1short')}`,
      `SATVACH_BACKUP_REPLICA_S3_BUCKET: ${bucketNameProblem('ab')}`,
    ]);
    // A schedule croner cannot read is refused here, not first in the backup container at 3 a.m.
    expect(problemsOf(() => loadStackEnv({ envFile: write('.env', `${VALID}SATVACH_BACKUP_SCHEDULE=61 3 * * *\n`), processEnv: {} }))).toEqual([
      expect.stringMatching(/^SATVACH_BACKUP_SCHEDULE: .*; use five cron fields such as "0 3 \* \* \*"/),
    ]);
  });

  it('names each malformed database role setting without printing a password', () => {
    const envFile = write(
      '.env',
      `${VALID}SATVACH_DB_APP_PASSWORD=has spaces in it!\nSATVACH_DB_BACKUP_PASSWORD=short1\nSATVACH_DB_OWNER_USER=pg_owner\nSATVACH_DB_APP_CONNECTION_LIMIT=0\n`,
    );

    const { message } = thrown(() => loadStackEnv({ envFile, processEnv: {} }), StackEnvError);
    expect((message.match(/^ {2}- .*$/gm) ?? []).map((line) => line.slice(4))).toEqual([
      expect.stringMatching(/^SATVACH_DB_OWNER_USER: not starting with pg_/),
      'SATVACH_DB_APP_PASSWORD (or SATVACH_DB_APP_PASSWORD_FILE): letters, digits and . _ ~ - only (it goes into a URL)',
      'SATVACH_DB_APP_CONNECTION_LIMIT: at least 1 connection',
      'SATVACH_DB_BACKUP_PASSWORD (or SATVACH_DB_BACKUP_PASSWORD_FILE): at least 12 characters',
    ]);
    expect(message).not.toContain('has spaces in it!');
    expect(message).not.toContain('short1');
  });

  it('refuses a role name used twice: superuser, owner, app and backup must be four roles', () => {
    const envFile = write('.env', `${VALID}SATVACH_DB_APP_USER=satvach\nSATVACH_DB_BACKUP_USER=satvach_owner\n`);

    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {} }))).toEqual([
      'SATVACH_DB_APP_USER: "satvach" is also POSTGRES_USER; every database role needs a name of its own',
      'SATVACH_DB_BACKUP_USER: "satvach_owner" is also SATVACH_DB_OWNER_USER; every database role needs a name of its own',
    ]);
  });

  it('reads a role password from its *_FILE', () => {
    const secretFile = write('app-password', 'app-from-a-file-1\n');
    const envFile = write('.env', VALID.replace('SATVACH_DB_APP_PASSWORD=app-password-123\n', `SATVACH_DB_APP_PASSWORD_FILE=${secretFile}\n`));

    const { env, secrets } = loadStackEnv({ envFile, processEnv: {} });
    expect(env.SATVACH_DB_APP_PASSWORD).toBe('app-from-a-file-1');
    expect(secrets).toContain('app-from-a-file-1');
  });

  it('takes the backup image only pinned: by digest or an immutable tag, never :latest or untagged', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const load = (image: string) => loadStackEnv({ envFile: write('.env', `${VALID}SATVACH_BACKUP_IMAGE=${image}\n`), processEnv: {}, profiles: ['backup'] });
    expect(load(`ghcr.io/satvach/backup@${digest}`).env.SATVACH_BACKUP_IMAGE).toBe(`ghcr.io/satvach/backup@${digest}`);
    expect(load('127.0.0.1:5000/satvach/backup:sha-1a2b3c4').env.SATVACH_BACKUP_IMAGE).toBe('127.0.0.1:5000/satvach/backup:sha-1a2b3c4');
    for (const moving of ['ghcr.io/satvach/backup:latest', 'ghcr.io/satvach/backup']) {
      const [problem] = problemsOf(() => load(moving));
      expect(problem).toMatch(/^SATVACH_BACKUP_IMAGE: .*pin it by digest \(name@sha256:…, from the release manifest\)/);
    }
    // Without the backup profile nothing runs that image: an older .env's :latest stops nothing.
    const withoutProfile = loadStackEnv({ envFile: write('.env', `${VALID}SATVACH_BACKUP_IMAGE=ghcr.io/satvach/backup:latest\n`), processEnv: {} });
    expect(withoutProfile.env.SATVACH_BACKUP_IMAGE).toBeUndefined();
  });

  it('logging: retention, disk cap, format and push URL checked with the key named; the shipper image only pinned, and only with the profile', () => {
    const load = (extra: string, profiles = ['logging']) => loadStackEnv({ envFile: write('.env', `${VALID}${extra}`), processEnv: {}, profiles });
    expect(load('').env).toMatchObject({ SATVACH_LOGS_RETENTION: '30d', SATVACH_LOGS_MAX_DISK: '5GiB', SATVACH_LOGS_FORMAT: 'jsonline', SATVACH_LOGS_PUSH_URL: 'http://victorialogs:9428' });
    expect(problemsOf(() => load('SATVACH_LOGS_RETENTION=12h\nSATVACH_LOGS_MAX_DISK=5G\nSATVACH_LOGS_FORMAT=gelf\nSATVACH_LOGS_PUSH_URL=victorialogs:9428\n'))).toEqual([
      'SATVACH_LOGS_RETENTION: a whole number of days, weeks, months or years such as 30d, 4w, 6M or 1y (VictoriaLogs keeps at least 1d)',
      'SATVACH_LOGS_MAX_DISK: a size such as 512MiB, 5GiB or 1TiB',
      "SATVACH_LOGS_FORMAT: jsonline (VictoriaLogs) or loki (Grafana Loki's push API)",
      'SATVACH_LOGS_PUSH_URL: an http(s) URL such as http://victorialogs:9428 or http://loki:3100',
    ]);
    expect(problemsOf(() => load('SATVACH_LOGS_SHIPPER_IMAGE=ghcr.io/satvach/logs-shipper:latest\n'))[0]).toMatch(/^SATVACH_LOGS_SHIPPER_IMAGE: .*pin it by digest/);
    expect(load('SATVACH_LOGS_SHIPPER_IMAGE=ghcr.io/satvach/logs-shipper:latest\n', []).env.SATVACH_LOGS_SHIPPER_IMAGE).toBeUndefined();
  });

  it('refuses the tunnel profile unless the edge is told it sits behind the tunnel', () => {
    const envFile = write('.env', `${VALID}TUNNEL_TOKEN=${'t'.repeat(40)}\n`);
    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {}, profiles: ['tunnel'] }))).toEqual([
      expect.stringMatching(/^SATVACH_EDGE_BEHIND_TUNNEL: must be true with the tunnel profile/),
    ]);
    expect(loadStackEnv({ envFile, processEnv: { SATVACH_EDGE_BEHIND_TUNNEL: 'true' }, profiles: ['tunnel'] }).env.SATVACH_EDGE_BEHIND_TUNNEL).toBe('true');
  });

  it('wraps every secret as a Secret for compose: rendering it shows ***, the value is only revealed', () => {
    const { composeEnv } = loadStackEnv({ envFile: write('.env', VALID), processEnv: {} });
    expect(String(composeEnv.POSTGRES_PASSWORD)).toBe('***');
    expect(JSON.stringify(composeEnv)).not.toContain('correct-horse-battery');
    expect((composeEnv.POSTGRES_PASSWORD as { reveal(): string }).reveal()).toBe('correct-horse-battery');
  });

  it('reads secrets from *_FILE and never puts the value in an error', () => {
    const secretFile = write('pg-password', 'from-a-file-0123\n');
    const envFile = write('.env', `POSTGRES_PASSWORD_FILE=${secretFile}\nMINIO_ROOT_PASSWORD=short\n${S3_SECRETS}`);

    const { message } = thrown(() => loadStackEnv({ envFile, processEnv: {} }), StackEnvError);
    expect(message).toContain('MINIO_ROOT_PASSWORD (or MINIO_ROOT_PASSWORD_FILE): at least 8 characters');
    expect(message).not.toContain('short');

    writeFileSync(envFile, `POSTGRES_PASSWORD_FILE=${secretFile}\nMINIO_ROOT_PASSWORD=minio-secret-123\n${ROLE_PASSWORDS}${S3_SECRETS}`);
    expect(loadStackEnv({ envFile, processEnv: {} }).env.POSTGRES_PASSWORD).toBe('from-a-file-0123');
  });

  it('names an unreadable secret file and a secret given twice', () => {
    const envFile = write('.env', `${VALID}MINIO_ROOT_PASSWORD_FILE=${join(dir, 'nope')}\n`);

    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {} }))).toEqual([
      'MINIO_ROOT_PASSWORD and MINIO_ROOT_PASSWORD_FILE: set one of them, not both',
      `MINIO_ROOT_PASSWORD_FILE: cannot read ${join(dir, 'nope')}; point it at a readable file holding the secret`,
    ]);
  });

  it('trusts CF-Connecting-IP from loopback only by default: the connector sharing the edge\'s network', () => {
    const envFile = write('.env', VALID);

    expect(loadStackEnv({ envFile, processEnv: {} }).composeEnv.SATVACH_EDGE_TRUSTED_PROXY).toBe('127.0.0.1,::1');
    const pinned = loadStackEnv({ envFile, processEnv: { SATVACH_EDGE_TRUSTED_PROXY: '172.30.99.10, fd00:99::10/128, 10.9.8.0/29' } });
    expect(pinned.env.SATVACH_EDGE_TRUSTED_PROXY).toBe('172.30.99.10, fd00:99::10/128, 10.9.8.0/29');
  });

  it('refuses a trusted proxy that is a whole range or not an address, naming the key and the entry', () => {
    const envFile = write('.env', VALID);
    const problems = (value: string) => problemsOf(() => loadStackEnv({ envFile, processEnv: { SATVACH_EDGE_TRUSTED_PROXY: value } }));

    expect(problems('172.16.0.0/12')).toEqual([
      "SATVACH_EDGE_TRUSTED_PROXY: '172.16.0.0/12' is wider than /29: trusting a whole range lets anyone on it forge client addresses (give the tunnel connector's own address, e.g. 127.0.0.1,::1 when it shares the edge's network)",
    ]);
    expect(problems('127.0.0.1,fd00::/64')).toEqual([expect.stringMatching(/^SATVACH_EDGE_TRUSTED_PROXY: 'fd00::\/64' is wider than \/125/)]);
    expect(problems('cloudflared')).toEqual([expect.stringMatching(/^SATVACH_EDGE_TRUSTED_PROXY: 'cloudflared' is not an IPv4 or IPv6 address or CIDR/)]);
    expect(problems('10.0.0.1/33')).toEqual([expect.stringMatching(/'10.0.0.1\/33' has a prefix length beyond \/32/)]);
    expect(problems('10.0.0.1/x')).toEqual([expect.stringMatching(/'10.0.0.1\/x' has a malformed prefix length/)]);
    expect(problems(' , ')).toEqual([expect.stringMatching(/^SATVACH_EDGE_TRUSTED_PROXY: names no address/)]);
  });

  it('requires the tunnel token only with the tunnel profile', () => {
    const envFile = write('.env', `${VALID}SATVACH_EDGE_BEHIND_TUNNEL=true\n`);

    expect(() => loadStackEnv({ envFile, processEnv: {} })).not.toThrow();
    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {}, profiles: ['tunnel'] }))).toEqual([
      'TUNNEL_TOKEN (or TUNNEL_TOKEN_FILE): missing; the tunnel profile needs it',
    ]);
  });
});

describe('loadStackEnv: alert receivers (monitoring profile)', () => {
  const ALERTS = 'SATVACH_ALERT_EMAIL_TO=ops@example.com\nSATVACH_ALERT_EMAIL_FROM=alerts@example.com\nSATVACH_ALERT_SMTP_HOST=smtp.example.com:587\nSATVACH_ALERT_SMTP_USER=alerts\nSATVACH_ALERT_SMTP_PASSWORD=smtp-pass-secret\nSATVACH_ALERT_SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0/B0/slack-url-secret\nSATVACH_ALERT_SMS_SNS_TOPIC_ARN=arn:aws:sns:eu-west-1:123456789012:alerts\nSATVACH_ALERT_SMS_SNS_REGION=eu-west-1\n';

  it('needs no alert receiver without the monitoring profile, and names each missing one with it', () => {
    const envFile = write('.env', VALID);
    expect(() => loadStackEnv({ envFile, processEnv: {} })).not.toThrow();
    expect(problemsOf(() => loadStackEnv({ envFile, processEnv: {}, profiles: ['monitoring'] }))).toEqual([
      'SATVACH_ALERT_EMAIL_TO: missing; the monitoring profile sends alerts with it',
      'SATVACH_ALERT_EMAIL_FROM: missing; the monitoring profile sends alerts with it',
      'SATVACH_ALERT_SMTP_HOST: missing; the monitoring profile sends alerts with it',
      'SATVACH_ALERT_SLACK_WEBHOOK_URL (or SATVACH_ALERT_SLACK_WEBHOOK_URL_FILE): missing; the monitoring profile sends alerts with it',
      'SATVACH_ALERT_SMS_SNS_TOPIC_ARN: missing; the monitoring profile sends alerts with it',
      'SATVACH_ALERT_SMS_SNS_REGION: missing; the monitoring profile sends alerts with it',
    ]);
  });

  it('wraps the alert secrets, reads them from _FILE, and refuses a malformed receiver without printing it', () => {
    const secretFile = write('slack-url', 'https://hooks.slack.com/services/T0/B0/from-a-file');
    const envFile = write('.env', `${VALID}${ALERTS.replace(/^SATVACH_ALERT_SLACK_WEBHOOK_URL=.*\n/m, '')}SATVACH_ALERT_SLACK_WEBHOOK_URL_FILE=${secretFile}\n`);
    const { composeEnv, secrets } = loadStackEnv({ envFile, processEnv: {}, profiles: ['monitoring'] });
    expect(String(composeEnv.SATVACH_ALERT_SMTP_PASSWORD)).toBe('***');
    expect(String(composeEnv.SATVACH_ALERT_SLACK_WEBHOOK_URL)).toBe('***');
    expect(secrets).toEqual(expect.arrayContaining(['smtp-pass-secret', 'https://hooks.slack.com/services/T0/B0/from-a-file']));

    const bad = write('bad.env', `${VALID}${ALERTS}`.replace('https://hooks.slack.com/services/T0/B0/slack-url-secret', 'hooks-slack-url-secret').replace('smtp.example.com:587', 'smtp.example.com'));
    const problems = problemsOf(() => loadStackEnv({ envFile: bad, processEnv: {}, profiles: ['monitoring'] }));
    expect(problems).toEqual([
      'SATVACH_ALERT_SMTP_HOST: host:port such as smtp.example.com:587 (a port from 1 to 65535)',
      'SATVACH_ALERT_SLACK_WEBHOOK_URL (or SATVACH_ALERT_SLACK_WEBHOOK_URL_FILE): an http(s) URL such as https://hooks.slack.com/services/T000/B000/XXXX',
    ]);
    expect(problems.join('\n')).not.toContain('slack-url-secret');
  });
});

describe('ensureEnvFile', () => {
  it('creates the env file from the example with generated secrets, readable by its owner only', () => {
    const example = write('.env.example', `A=1\nPOSTGRES_PASSWORD=${GENERATED_PLACEHOLDER}\nMINIO_ROOT_PASSWORD=${GENERATED_PLACEHOLDER}\n`);
    const envFile = join(dir, '.env');
    let n = 0;

    expect(ensureEnvFile(envFile, example, () => `generated-secret-${++n}`)).toEqual(['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD']);
    expect(readFileSync(envFile, 'utf8')).toBe('A=1\nPOSTGRES_PASSWORD=generated-secret-1\nMINIO_ROOT_PASSWORD=generated-secret-2\n');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(ensureEnvFile(envFile, example, () => 'other')).toBeNull();
  });
});

describe('ensureEnvFile when a first start is interrupted', () => {
  it('leaves no env file at all when it stops before the file is whole', () => {
    const example = write('.env.example', `POSTGRES_PASSWORD=${GENERATED_PLACEHOLDER}\nMINIO_ROOT_PASSWORD=${GENERATED_PLACEHOLDER}\n`);
    const envFile = join(dir, '.env');
    let n = 0;
    const interrupted = () => {
      if (++n === 2) throw new Error('interrupted');
      return 'generated-secret-1';
    };

    expect(() => ensureEnvFile(envFile, example, interrupted)).toThrow('interrupted');
    expect(existsSync(envFile)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['.env.example']);
  });

  it('never reuses the temporary file an earlier interrupted start left: the env file is new, whole and 0600', () => {
    const example = write('.env.example', `A=1\nPOSTGRES_PASSWORD=${GENERATED_PLACEHOLDER}\n`);
    const envFile = join(dir, '.env');
    const leftover = write(`.env.${process.pid}.tmp`, 'A=1\nPOSTGRES_PASS');
    chmodSync(leftover, 0o644);

    expect(ensureEnvFile(envFile, example, () => 'generated-secret-1')).toEqual(['POSTGRES_PASSWORD']);
    expect(readFileSync(envFile, 'utf8')).toBe('A=1\nPOSTGRES_PASSWORD=generated-secret-1\n');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(existsSync(leftover)).toBe(false);
  });
});

describe('missingSecrets and appendSecrets', () => {
  it('finds the new secrets of the example an older env file lacks, and appends values without touching the rest', () => {
    const example = write('.env.example', `A=1\nPOSTGRES_PASSWORD=${GENERATED_PLACEHOLDER}\nSATVACH_DB_APP_PASSWORD=${GENERATED_PLACEHOLDER}\nSATVACH_DB_OWNER_PASSWORD=${GENERATED_PLACEHOLDER}\nSATVACH_DB_BACKUP_PASSWORD=${GENERATED_PLACEHOLDER}\n`);
    const envFile = write('.env', 'POSTGRES_PASSWORD=kept-as-it-was\nSATVACH_DB_OWNER_PASSWORD_FILE=/run/secrets/owner');
    const processEnv = { SATVACH_DB_BACKUP_PASSWORD: 'from-the-process-env' };

    expect(missingSecrets(envFile, example, processEnv)).toEqual(['SATVACH_DB_APP_PASSWORD']);
    appendSecrets(envFile, { SATVACH_DB_APP_PASSWORD: 'generated-secret-1' });
    expect(readFileSync(envFile, 'utf8')).toBe(
      'POSTGRES_PASSWORD=kept-as-it-was\nSATVACH_DB_OWNER_PASSWORD_FILE=/run/secrets/owner\n# added by npm start: secrets introduced after this file was created\nSATVACH_DB_APP_PASSWORD=generated-secret-1\n',
    );
    expect(missingSecrets(envFile, example, processEnv)).toEqual([]);
  });
});

describe('the documented example', () => {
  const example = join(workspaceRoot, 'docker', '.env.example');
  const composeFiles = ['compose.yml', 'compose.dev.yml', 'compose.prod.yml', 'compose.local-images.yml', 'compose.tunnel-config.yml', 'compose.deploy.yml'].map((file) => join(workspaceRoot, 'docker', file));

  it('loads, with generated secrets, as a valid environment', () => {
    const envFile = join(dir, '.env');
    ensureEnvFile(envFile, example, () => 'generated-secret-value');

    expect(loadStackEnv({ envFile, processEnv: {} }).env.SATVACH_HTTP_PORT).toBe(8080);
  });

  it('documents every variable the compose files use, and the schema knows each', () => {
    const used = new Set(composeFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z0-9_]+)/g)].map((match) => match[1]!)));
    const documented = new Set([...readFileSync(example, 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]!));

    expect([...used].filter((key) => !documented.has(key))).toEqual([]);
    expect([...used].filter((key) => !(STACK_ENV_KEYS as string[]).includes(key))).toEqual([]);
    expect([...documented].filter((key) => !(STACK_ENV_KEYS as string[]).includes(key))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });
});

describe('the monitoring settings', () => {
  it('names a malformed retention, public address or a monitor role that is another role', () => {
    const envFile = write('.env', `${VALID}SATVACH_PROMETHEUS_RETENTION_TIME=forever\nSATVACH_PROMETHEUS_RETENTION_SIZE=4 gigs\nSATVACH_PUBLIC_URL=http://satvach.example.com/\nSATVACH_DB_MONITOR_USER=satvach_app\n`);

    const problems = problemsOf(() => loadStackEnv({ envFile, processEnv: {} }));

    expect(problems).toEqual([
      'SATVACH_PROMETHEUS_RETENTION_TIME: a duration such as 70d or 10w',
      'SATVACH_PROMETHEUS_RETENTION_SIZE: a size such as 4GB or 500MB',
      'SATVACH_PUBLIC_URL: the public https:// address, such as https://satvach.example.com/',
    ]);
    const clash = problemsOf(() => loadStackEnv({ envFile: write('clash.env', `${VALID}SATVACH_DB_MONITOR_USER=satvach_app\n`), processEnv: {} }));
    expect(clash).toEqual(['SATVACH_DB_MONITOR_USER: "satvach_app" is also SATVACH_DB_APP_USER; every database role needs a name of its own']);
  });
});

describe('oncallRotationSetting: the rotation stack:up pages from', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'satvach-oncall-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the env file\'s value, the process environment\'s over it, else the default; no secrets needed', () => {
    const envFile = join(dir, '.env');
    expect(oncallRotationSetting(envFile, {})).toBe('runbooks/oncall/rotation.yaml');
    writeFileSync(envFile, 'SATVACH_ONCALL_ROTATION=ops/team-a.yaml\n');
    expect(oncallRotationSetting(envFile, {})).toBe('ops/team-a.yaml');
    expect(oncallRotationSetting(envFile, { SATVACH_ONCALL_ROTATION: 'ops/team-b.yml' })).toBe('ops/team-b.yml');
  });

  it('refuses a value stack:up would refuse, naming the key and the file', () => {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'SATVACH_ONCALL_ROTATION=rotation.json\n');
    expect(() => oncallRotationSetting(envFile, {})).toThrow(`the stack's environment (${envFile}) is not valid; nothing was started:\n  - SATVACH_ONCALL_ROTATION: a path to the rotation file (.yaml)`);
  });
});
