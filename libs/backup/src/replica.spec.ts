import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { secret, silentLogger } from '@satvach/exec';
import { rejection } from '@satvach/exec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, BackupError } from './backup.ts';
import { listAcross, listBackups, readLatest } from './catalog.ts';
import { loadConfig, type BackupConfig } from './config.ts';
import { restoreDrill } from './drill.ts';
import { manifestSchema } from './manifest.ts';
import { formatCatalog } from './report.ts';
import { BackupStore, s3ClientConfig } from './store.ts';
import { digest } from './streams.ts';
import { startMoto, type Keys, type MotoServer } from './testing/moto.ts';
import { startServices, type Services } from './testing/services.ts';

// The off-host replica (3-2-1) on two real S3 endpoints: two moto servers, each enforcing the backup
// writer's policy (put/get/list, no delete) for its own key. The replica is stopped mid-backup in the
// last test, so the order matters.

const PRIMARY = 'satvach-backups';
const OFFSITE = 'satvach-offsite';

let primary: MotoServer;
let replica: MotoServer;
let services: Services;
let config: BackupConfig;

const writerPlan = (bucket: string) => ({
  buckets: [{ name: bucket, versioning: true }],
  identities: [
    { name: 'writer', policy: 'satvach-backup-writer', bucket },
    { name: 'admin', policy: 'admin', bucket: '*' },
  ],
});

beforeAll(async () => {
  [primary, replica] = await Promise.all([startMoto(writerPlan(PRIMARY)), startMoto(writerPlan(OFFSITE))]);
  services = await startServices();
  // About 20 MB of dump: several multipart parts on each target, and long enough to break it midway.
  await services.sql('postgres', 'CREATE DATABASE src_offsite');
  await services.sql(
    'src_offsite',
    `CREATE EXTENSION postgis;
     CREATE TABLE places (id serial PRIMARY KEY, location geography(Point, 4326));
     INSERT INTO places (location) SELECT ST_MakePoint(i % 360 - 180, i % 170 - 85)::geography FROM generate_series(1, 1000) AS i;
     CREATE TABLE blobs AS SELECT i AS id, md5(random()::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) AS body FROM generate_series(1, 250000) AS i;`,
  );
  const writer = (server: MotoServer) => server.keys.writer as Keys;
  config = loadConfig({
    SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_offsite'),
    SATVACH_BACKUP_S3_ENDPOINT_URL: primary.endpoint,
    SATVACH_BACKUP_S3_BUCKET: PRIMARY,
    SATVACH_BACKUP_S3_ACCESS_KEY_ID: writer(primary).accessKeyId,
    SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: writer(primary).secretAccessKey,
    SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: replica.endpoint,
    SATVACH_BACKUP_REPLICA_S3_BUCKET: OFFSITE,
    SATVACH_BACKUP_REPLICA_S3_PREFIX: 'offsite',
    SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: writer(replica).accessKeyId,
    SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: writer(replica).secretAccessKey,
  });
});

afterAll(async () => {
  await Promise.all([primary?.stop(), replica?.stop()]);
  await services?.down();
});

/** SHA-256 of an object as the server returns it, read with the test-only admin key. */
async function storedSha256(server: MotoServer, bucket: string, key: string): Promise<string> {
  const admin = server.keys.admin as Keys;
  const client = new S3Client(
    s3ClientConfig({ target: 'check', keyPrefix: 'TEST', endpoint: server.endpoint, region: 'us-east-1', bucket, prefix: '', accessKeyId: admin.accessKeyId, secretAccessKey: secret(admin.secretAccessKey), forcePathStyle: true }),
  );
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const check = digest();
  for await (const chunk of (response.Body as NodeJS.ReadableStream).pipe(check.stream)) void chunk;
  return check.result().sha256;
}

describe('a backup with an off-host replica', () => {
  let first: string;

  it('streams once to both targets; each holds the dump with the manifest\'s SHA-256, its manifest and latest', async () => {
    const { manifest, keys } = await backup(config, { log: silentLogger, now: () => new Date('2026-02-01T03:00:00Z') });
    first = manifest.stamp;
    expect(manifest.size).toBeGreaterThan(2 * 8 * 1024 * 1024);

    const offsiteKey = keys.dump.replace(/^backups\//, 'offsite/');
    expect(await storedSha256(primary, PRIMARY, keys.dump)).toBe(manifest.sha256);
    expect(await storedSha256(replica, OFFSITE, offsiteKey)).toBe(manifest.sha256);
    const replicaStore = new BackupStore(config.replica!);
    const replicaManifest = manifestSchema.parse(JSON.parse((await replicaStore.getText(keys.manifest.replace(/^backups\//, 'offsite/'))) ?? '{}'));
    expect(replicaManifest).toEqual({ ...manifest, key: offsiteKey });
    expect((await readLatest(config, replicaStore))?.stamp).toBe(first);
    expect((await readLatest(config, new BackupStore(config.s3)))?.stamp).toBe(first);
  });

  it('backup-list shows the presence on each target, a column per target', async () => {
    const stores = [new BackupStore(config.s3), new BackupStore(config.replica!)];
    const entries = await listAcross(config, stores);
    expect(entries.map((entry) => [entry.stamp, entry.complete, entry.targets])).toEqual([[first, true, { primary: 'complete', replica: 'complete' }]]);

    const table = formatCatalog(entries, first).split('\n');
    expect(table[0]).toMatch(/^timestamp\s+size\s+encrypted\s+state\s+primary\s+replica\s+drill$/);
    expect(table[1]).toMatch(new RegExp(`^${first}\\s+\\S+ MiB\\s+no\\s+complete\\s+yes\\s+yes\\s+never\\s+latest$`));
  });

  it('the restore drill runs from the replica alone', async () => {
    const record = await restoreDrill(config, { from: 'replica' }, { log: silentLogger });
    expect(record.checks.filter((check) => !check.ok)).toEqual([]);
    expect(record.ok).toBe(true);
    const onReplica = await listBackups(config, new BackupStore(config.replica!));
    expect(onReplica.at(-1)?.drill?.ok).toBe(true);
  });

  it('a replica unreachable at the start: the backup stops before pg_dump, naming the replica, not its keys', async () => {
    const down = loadConfig({
      SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_offsite'),
      SATVACH_BACKUP_S3_ENDPOINT_URL: primary.endpoint,
      SATVACH_BACKUP_S3_BUCKET: PRIMARY,
      SATVACH_BACKUP_S3_ACCESS_KEY_ID: (primary.keys.writer as Keys).accessKeyId,
      SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: (primary.keys.writer as Keys).secretAccessKey,
      SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL: 'http://127.0.0.1:1',
      SATVACH_BACKUP_REPLICA_S3_BUCKET: OFFSITE,
      SATVACH_BACKUP_REPLICA_S3_ACCESS_KEY_ID: 'replica-key-id',
      SATVACH_BACKUP_REPLICA_S3_SECRET_ACCESS_KEY: 'replica-secret-value',
    });
    const error = await rejection(backup(down, { log: silentLogger }));
    expect(error.message).toBe(`cannot check the bucket: replica bucket "${OFFSITE}" at http://127.0.0.1:1 is unreachable (ECONNREFUSED); check SATVACH_BACKUP_REPLICA_S3_ENDPOINT_URL and that the server runs`);
    expect((await listBackups(config, new BackupStore(config.s3))).map((entry) => entry.stamp)).toEqual([first]);
  });

  it('the replica going down mid-backup: not complete anywhere, latest not moved, the error names the target and not its keys', async () => {
    let stopping: Promise<void> | undefined;
    const error = await rejection(
      backup(config, {
        log: silentLogger,
        tty: true,
        progressWrite: () => {
          stopping ??= replica.stop();
        },
      }),
    );
    expect(stopping).toBeDefined();
    await stopping;

    expect(error).toBeInstanceOf(BackupError);
    expect(error.message).toContain(`backup of src_offsite failed, nothing was recorded (latest still points at ${first}): the upload to replica bucket "${OFFSITE}" at ${replica.endpoint} failed`);
    const replicaKeys = replica.keys.writer as Keys;
    expect(error.message).not.toContain(replicaKeys.secretAccessKey);
    expect(error.message).not.toContain(replicaKeys.accessKeyId);

    const onPrimary = await listBackups(config, new BackupStore(config.s3));
    expect(onPrimary.map((entry) => [entry.stamp, entry.complete])).toEqual([[first, true]]);
    expect((await readLatest(config, new BackupStore(config.s3)))?.stamp).toBe(first);
  });
});
