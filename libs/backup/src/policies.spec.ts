import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { secret, silentLogger } from '@satvach/exec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from './backup.ts';
import { listBackups } from './catalog.ts';
import { ConfigError, loadConfig, type BackupConfig } from './config.ts';
import { backupJob } from './job.ts';
import { latestKey } from './naming.ts';
import { prune } from './prune.ts';
import { BackupStore, s3ClientConfig, StoreError } from './store.ts';
import { IDENTITIES, POLICY_DIR, startMoto, type Keys, type MotoServer } from './testing/moto.ts';
import { seedPlaces, startServices, type Services } from './testing/services.ts';

// The per-service S3 identities of docker/minio/init.sh, proven against moto in server mode, which checks
// every request's signature and the caller's IAM policies (s3rver checks nothing). The policies are the
// very files the MinIO init job loads.

const PHOTOS = 'satvach-photos';
const BACKUPS = 'satvach-backups';

let moto: MotoServer;
let services: Services;

beforeAll(async () => {
  moto = await startMoto({
    buckets: [{ name: PHOTOS }, { name: BACKUPS, versioning: true }],
    identities: [
      { name: 'backend', policy: 'satvach-backend', bucket: PHOTOS },
      { name: 'writer', policy: 'satvach-backup-writer', bucket: BACKUPS },
      { name: 'retention', policy: 'satvach-backup-retention', bucket: BACKUPS },
      { name: 'admin', policy: 'admin', bucket: '*' },
    ],
  });
  services = await startServices();
  await seedPlaces(services, 'src_iam', 500);
});

afterAll(async () => {
  await moto?.stop();
  await services?.down();
});

const keys = (name: string): Keys => moto.keys[name] as Keys;

function client(name: string, override: Partial<Keys> = {}): S3Client {
  const { accessKeyId, secretAccessKey } = { ...keys(name), ...override };
  return new S3Client(
    s3ClientConfig({ target: 'primary', keyPrefix: 'SATVACH_BACKUP_S3', endpoint: moto.endpoint, region: 'us-east-1', bucket: BACKUPS, prefix: 'backups', accessKeyId, secretAccessKey: secret(secretAccessKey), forcePathStyle: true }),
  );
}

/** The S3 error name of a refused call, or 'ok'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { name?: string }).name ?? String(error);
  }
}

function configFor(identity: { writer?: string; retention?: string }, prefix: string): BackupConfig {
  const writer = keys(identity.writer ?? 'writer');
  const retention = identity.retention === undefined ? undefined : keys(identity.retention);
  return loadConfig({
    SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_iam'),
    SATVACH_BACKUP_S3_ENDPOINT_URL: moto.endpoint,
    SATVACH_BACKUP_S3_BUCKET: BACKUPS,
    SATVACH_BACKUP_S3_PREFIX: prefix,
    SATVACH_BACKUP_S3_ACCESS_KEY_ID: writer.accessKeyId,
    SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: writer.secretAccessKey,
    SATVACH_BACKUP_KEEP_DAILY: '1',
    SATVACH_BACKUP_KEEP_WEEKLY: '0',
    SATVACH_BACKUP_KEEP_MONTHLY: '0',
    SATVACH_BACKUP_KEEP_MIN_AGE_HOURS: '0',
    ...(retention === undefined ? {} : { SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: retention.accessKeyId, SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: retention.secretAccessKey }),
  });
}

describe('the policy files (docker/minio/policies)', () => {
  const load = (name: string) => JSON.parse(readFileSync(join(POLICY_DIR, `${name}.json`), 'utf8')) as { Statement: { Effect: string; Action: string[]; Resource: string[] }[] };

  it('each identity is scoped to its own bucket only', () => {
    for (const name of IDENTITIES) {
      const resources = load(name).Statement.flatMap((statement) => statement.Resource);
      expect(resources.every((resource) => resource === 'arn:aws:s3:::${BUCKET}' || resource === 'arn:aws:s3:::${BUCKET}/*'), name).toBe(true);
      expect(load(name).Statement.every((statement) => statement.Effect === 'Allow' && statement.Action.every((action) => action.startsWith('s3:') && !action.includes('*')))).toBe(true);
    }
  });

  it('only the backend and the retention identity may delete; nobody may delete versions or change the bucket', () => {
    const actions = (name: string) => load(name).Statement.flatMap((statement) => statement.Action);
    expect(actions('satvach-backup-writer').filter((action) => action.includes('Delete'))).toEqual([]);
    expect(actions('satvach-backup-retention')).toContain('s3:DeleteObject');
    expect(actions('satvach-backend')).toContain('s3:DeleteObject');
    for (const name of IDENTITIES) {
      expect(actions(name).filter((action) => /DeleteObjectVersion|PutBucket|DeleteBucket|PutObjectRetention|BypassGovernance/.test(action)), name).toEqual([]);
    }
  });
});

describe('enforced by a server that checks them (moto)', () => {
  it('the backend key reads and writes photos, and cannot read, list, write or delete backups', async () => {
    await client('admin').send(new PutObjectCommand({ Bucket: BACKUPS, Key: 'backups/x.dump', Body: 'dump' }));
    const backend = client('backend');
    expect(await outcome(backend.send(new PutObjectCommand({ Bucket: PHOTOS, Key: 'places/1/photo', Body: 'jpeg' })))).toBe('ok');
    expect(await outcome(backend.send(new GetObjectCommand({ Bucket: PHOTOS, Key: 'places/1/photo' })))).toBe('ok');
    expect(await outcome(backend.send(new DeleteObjectCommand({ Bucket: PHOTOS, Key: 'places/1/photo' })))).toBe('ok');

    expect(await outcome(backend.send(new GetObjectCommand({ Bucket: BACKUPS, Key: 'backups/x.dump' })))).toBe('AccessDenied');
    expect(await outcome(backend.send(new ListObjectsV2Command({ Bucket: BACKUPS })))).toBe('AccessDenied');
    expect(await outcome(backend.send(new PutObjectCommand({ Bucket: BACKUPS, Key: 'backups/x.dump', Body: 'evil' })))).toBe('AccessDenied');
    expect(await outcome(backend.send(new DeleteObjectCommand({ Bucket: BACKUPS, Key: 'backups/x.dump' })))).toBe('AccessDenied');
    expect(await outcome(client('admin').send(new GetObjectCommand({ Bucket: BACKUPS, Key: 'backups/x.dump' })))).toBe('ok');
  });

  it('the backup writer puts, gets and lists backups, and cannot delete them nor touch photos', async () => {
    const writer = client('writer');
    expect(await outcome(writer.send(new HeadBucketCommand({ Bucket: BACKUPS })))).toBe('ok');
    expect(await outcome(writer.send(new PutObjectCommand({ Bucket: BACKUPS, Key: 'backups/w.dump', Body: 'dump' })))).toBe('ok');
    expect(await outcome(writer.send(new GetObjectCommand({ Bucket: BACKUPS, Key: 'backups/w.dump' })))).toBe('ok');
    expect(await outcome(writer.send(new ListObjectsV2Command({ Bucket: BACKUPS })))).toBe('ok');
    expect(await outcome(writer.send(new DeleteObjectCommand({ Bucket: BACKUPS, Key: 'backups/w.dump' })))).toBe('AccessDenied');
    expect(await outcome(writer.send(new GetObjectCommand({ Bucket: PHOTOS, Key: 'places/1/photo' })))).toBe('AccessDenied');

    // Through the tool: the refusal names the action, the key id and the target — never the secret.
    const store = new BackupStore(configFor({}, 'backups').s3);
    const error = await store.delete(['backups/w.dump']).then(() => undefined, (failure: unknown) => failure as Error);
    expect(error).toBeInstanceOf(StoreError);
    expect(error?.message).toContain(`cannot delete backups/w.dump: S3 denied it to access key id "${keys('writer').accessKeyId}" on bucket "${BACKUPS}" at ${moto.endpoint} (AccessDenied)`);
    expect(error?.message).not.toContain(keys('writer').secretAccessKey);
  });

  it('the retention identity lists and deletes backups, and cannot write them', async () => {
    const retention = client('retention');
    expect(await outcome(retention.send(new ListObjectsV2Command({ Bucket: BACKUPS })))).toBe('ok');
    expect(await outcome(retention.send(new PutObjectCommand({ Bucket: BACKUPS, Key: 'backups/r.dump', Body: 'x' })))).toBe('AccessDenied');
    expect(await outcome(retention.send(new DeleteObjectCommand({ Bucket: BACKUPS, Key: 'backups/w.dump' })))).toBe('ok');
    expect(await outcome(retention.send(new DeleteObjectCommand({ Bucket: PHOTOS, Key: 'places/1/photo' })))).toBe('AccessDenied');
  });

  it('a wrong secret is refused, and the error names the key id, never the secret', async () => {
    const wrong = 'wrong-secret-0123456789';
    expect(await outcome(client('writer', { secretAccessKey: wrong }).send(new ListObjectsV2Command({ Bucket: BACKUPS })))).toBe('SignatureDoesNotMatch');

    const config = configFor({}, 'backups');
    const store = new BackupStore({ ...config.s3, secretAccessKey: secret(wrong) });
    const error = await store.checkBucket().then(() => undefined, (failure: unknown) => failure as Error);
    expect(error).toBeInstanceOf(StoreError);
    expect(error?.message).toContain(`access key id "${keys('writer').accessKeyId}"`);
    expect(error?.message).toContain('check SATVACH_BACKUP_S3_ACCESS_KEY_ID / SATVACH_BACKUP_S3_SECRET_ACCESS_KEY');
    expect(error?.message).not.toContain(wrong);
    expect(error?.message).not.toContain(keys('writer').secretAccessKey);
  });
});

describe('backup and prune as separate identities', () => {
  it('a backup with the writer key succeeds and never issues a DeleteObject; an overwritten latest.json stays recoverable', async () => {
    const config = configFor({}, 'job');
    const store = new BackupStore(config.s3);
    const commands: string[] = [];
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );

    await backup(config, { log: silentLogger, store, now: () => new Date('2026-01-01T03:00:00Z') });
    await backup(config, { log: silentLogger, store, now: () => new Date('2026-01-02T03:00:00Z') });

    // Check the bucket, upload (one part at this size), read back to verify, manifest and latest: no delete.
    expect([...new Set(commands)].sort()).toEqual(['GetObjectCommand', 'HeadBucketCommand', 'PutObjectCommand']);
    const versions = await client('admin').send(new ListObjectVersionsCommand({ Bucket: BACKUPS, Prefix: latestKey('job', 'src_iam') }));
    expect(versions.Versions).toHaveLength(2);
  });

  it('prune deletes as the retention identity (SATVACH_BACKUP_PRUNE_S3_*), and refuses to start without it', async () => {
    const withoutRetention = configFor({}, 'job');
    await expect(prune(withoutRetention, {}, { log: silentLogger })).rejects.toThrow(ConfigError);
    await expect(prune(withoutRetention, {}, { log: silentLogger })).rejects.toThrow(/SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID and SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY/);

    // Pointing the prune keys at the writer does not get around the policy.
    const writerAsRetention = configFor({ retention: 'writer' }, 'job');
    const denied = await prune(writerAsRetention, {}, { log: silentLogger, now: () => new Date('2026-01-09T03:00:00Z') }).then(() => undefined, (error: unknown) => error as Error);
    expect(denied?.message).toMatch(/S3 denied it to access key id ".+" .*\(AccessDenied\).*SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID/);

    const config = configFor({ retention: 'retention' }, 'job');
    const result = await prune(config, {}, { log: silentLogger, now: () => new Date('2026-01-09T03:00:00Z') });
    expect(result.remove.map((decision) => decision.stamp)).toEqual(['20260101T030000Z']);
    const left = await listBackups(config, new BackupStore(config.s3));
    expect(left.map((entry) => entry.stamp)).toEqual(['20260102T030000Z']);
  });

  it('db:backup (backup, then prune) works with the writer and the retention identity', async () => {
    const config = configFor({ retention: 'retention' }, 'scheduled');
    const result = await backupJob(config, { log: silentLogger });
    expect(result.summary).toMatch(/^backup src_iam \d{8}T\d{6}Z: \d+ bytes, sha256 [0-9a-f]{64}, 2 tables; prune kept 1, deleted 0$/);
    expect(result.ok).toBe(true);
  });
});
