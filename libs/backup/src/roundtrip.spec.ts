import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from './backup.ts';
import { listBackups, readLatest } from './catalog.ts';
import { drillDatabaseName, restoreDrill } from './drill.ts';
import { connect } from './postgres.ts';
import { type ScratchServer, startScratchServer } from './scratch.ts';
import { backupJob } from './job.ts';
import { type Logger } from '@satvach/exec';
import { rejection } from '@satvach/exec/testing';
import { manifestSchema } from './manifest.ts';
import { backupKeys, stampOf } from './naming.ts';
import { prune } from './prune.ts';
import { restore, RestoreError } from './restore.ts';
import { BackupStore } from './store.ts';
import { type HeartbeatRecorder, placesNearQuito, seedPlaces, startHeartbeatRecorder, startServices, type Services } from './testing/services.ts';

// Real PostgreSQL 15 + PostGIS and a real s3rver (apps/backend/devtools/local_services.py). Backups
// run as the backup role (pg_read_all_data only); restores, which create databases, as the superuser.

let services: Services;
const ROWS = 2000;

/** The same backup settings (same prefix), connecting as the test server's superuser. */
function asSuperuser(env: Record<string, string>, database: string) {
  return services.config({ ...env, SATVACH_BACKUP_DATABASE_URL: services.urlFor(database, 'superuser') });
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

/** Whether something listens on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  services = await startServices();
  await seedPlaces(services, 'src_plain', ROWS);
});

afterAll(async () => {
  await services?.down();
});

describe('backup and restore round trip', () => {
  it('backs up PostGIS data, restores it into a new database with the same rows and the same spatial answer', async () => {
    const env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_plain') });
    const config = services.config(env);
    const log = recordingLogger();
    const { manifest, keys } = await backup(config, { log });

    expect(keys.dump).toMatch(new RegExp(`^${env.SATVACH_BACKUP_S3_PREFIX}/src_plain/\\d{4}/\\d{2}/\\d{2}/\\d{8}T\\d{6}Z\\.dump$`));
    expect(manifest.tables).toEqual([
      { schema: 'public', table: 'notes', rows: ROWS / 10 },
      { schema: 'public', table: 'places', rows: ROWS },
    ]);
    expect(manifest.postgisVersion).toMatch(/^3\./);
    expect(manifest.spatial).toEqual([{ schema: 'public', table: 'places', column: 'location', kind: 'geography', rows: ROWS, extent: expect.stringMatching(/^POLYGON\(\(/) }]);
    expect(manifest.encrypted).toBe(false);
    const latest = await readLatest(config, new BackupStore(config.s3));
    expect(latest?.stamp).toBe(manifest.stamp);
    expect(log.lines.join('\n')).toMatch(/backup: \d+(\.\d)? (B|KiB|MiB) in [\d.]+ s \([\d.]+ (B|KiB|MiB)\/s\)/);

    expect(config.database.user).toBe('satvach_backup');
    const restored = await restore(asSuperuser(env, 'src_plain'), { target: 'restored_plain' }, { log });
    expect(restored.manifest.stamp).toBe(manifest.stamp);
    expect(await services.sql('restored_plain', 'SELECT count(*)::int AS n FROM places')).toEqual([{ n: ROWS }]);
    const near = await placesNearQuito(services, 'restored_plain');
    expect(near.count).toBeGreaterThan(0);
    expect(near).toEqual(await placesNearQuito(services, 'src_plain'));
    const [index] = await services.sql('restored_plain', `SELECT indexdef FROM pg_indexes WHERE indexname = 'places_location_gist'`);
    expect(String(index?.indexdef)).toContain('USING gist (location)');
  });

  it('refuses a non-empty target without --force, and replaces it with force', async () => {
    const env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_plain') });
    await backup(services.config(env), { log: recordingLogger() });
    const config = asSuperuser(env, 'src_plain');
    await services.sql('postgres', 'CREATE DATABASE occupied');
    await services.sql('occupied', 'CREATE TABLE precious (id int); INSERT INTO precious VALUES (42)');

    const error = await rejection(restore(config, { target: 'occupied' }, { log: recordingLogger() }));
    expect(error).toBeInstanceOf(RestoreError);
    expect(error.message).toBe('database "occupied" is not empty (1 relations): restore into another database, or pass --force to drop and recreate it');
    expect(await services.sql('occupied', 'SELECT id FROM precious')).toEqual([{ id: 42 }]);

    await restore(config, { target: 'occupied', force: true }, { log: recordingLogger() });
    expect(await services.sql('occupied', `SELECT to_regclass('public.precious') IS NULL AS gone, (SELECT count(*)::int FROM places) AS n`)).toEqual([{ gone: true, n: ROWS }]);
  });

  it('encrypts with age to a public key and restores only with the private key', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const identityFile = join(services.root, 'age-identity.txt');
    writeFileSync(identityFile, `# created for the test\n${identity}\n`, { mode: 0o600 });
    const base = { SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_plain'), SATVACH_BACKUP_AGE_RECIPIENT: recipient };
    const env = services.env(base);
    const { manifest, keys } = await backup(services.config(env), { log: recordingLogger() });
    expect(keys.dump).toMatch(/\.dump\.age$/);
    expect(manifest).toMatchObject({ encrypted: true, recipient });

    const store = new BackupStore(services.config(env).s3);
    const head = await store.client.send(new GetObjectCommand({ Bucket: store.config.bucket, Key: keys.dump, Range: 'bytes=0-40' }));
    expect(await head.Body?.transformToString()).toMatch(/^age-encryption\.org\/v1\n/);

    const withoutKey = await rejection(restore(asSuperuser(env, 'src_plain'), { target: 'restored_age' }, { log: recordingLogger() }));
    expect(withoutKey.message).toContain('is age-encrypted: set SATVACH_BACKUP_AGE_IDENTITY_FILE');

    await restore(asSuperuser({ ...env, SATVACH_BACKUP_AGE_IDENTITY_FILE: identityFile }, 'src_plain'), { target: 'restored_age' }, { log: recordingLogger() });
    expect(await placesNearQuito(services, 'restored_age')).toEqual(await placesNearQuito(services, 'src_plain'));
  });

  it('a corrupted object is refused before pg_restore; earlier backups and latest stay usable', async () => {
    const env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_plain') });
    const config = services.config(env);
    const store = new BackupStore(config.s3);
    const first = await backup(config, { log: recordingLogger(), now: () => new Date('2026-01-01T03:00:00Z') });
    const second = await backup(config, { log: recordingLogger() });
    // Flip one byte in the middle of the newest dump, as a disk or a bad copy would.
    const original = Buffer.from(await (await store.client.send(new GetObjectCommand({ Bucket: store.config.bucket, Key: second.keys.dump }))).Body!.transformToByteArray());
    const corrupted = Buffer.from(original);
    corrupted[Math.floor(corrupted.length / 2)] = (corrupted[Math.floor(corrupted.length / 2)] ?? 0) ^ 0xff;
    await store.client.send(new PutObjectCommand({ Bucket: store.config.bucket, Key: second.keys.dump, Body: corrupted }));

    const error = await rejection(restore(asSuperuser(env, 'src_plain'), { target: 'restored_corrupt' }, { log: recordingLogger() }));
    expect(error.message).toContain(`backup ${second.manifest.stamp} failed verification, nothing was restored: sha256 of ${second.keys.dump} is`);
    expect(await services.sql('postgres', `SELECT count(*)::int AS n FROM pg_database WHERE datname = 'restored_corrupt'`)).toEqual([{ n: 0 }]);
    expect((await readLatest(config, store))?.stamp).toBe(second.manifest.stamp);

    await restore(asSuperuser(env, 'src_plain'), { target: 'restored_earlier', stamp: first.manifest.stamp }, { log: recordingLogger() });
    expect(await placesNearQuito(services, 'restored_earlier')).toEqual(await placesNearQuito(services, 'src_plain'));

    const drill = await restoreDrill(config, {}, { log: recordingLogger() });
    expect(drill.ok).toBe(false);
    expect(drill.checks[0]?.detail).toContain('failed verification');
  });
});

describe('restore drill', () => {
  it('restores the latest into a scratch server of its own, checks PostGIS, row counts and a spatial query, records the result', async () => {
    const env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_plain') });
    const { manifest, keys } = await backup(services.config(env), { log: recordingLogger() });
    // The production server is out of reach for the drill: only the database name (for the keys) is used.
    const config = services.config({ ...env, SATVACH_BACKUP_DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/src_plain' });
    const log = recordingLogger();
    const record = await restoreDrill(config, {}, { log });

    expect(record.ok, JSON.stringify(record.checks)).toBe(true);
    const scratchPort = Number(/drill: scratch PostgreSQL at 127\.0\.0\.1:(\d+)/.exec(log.lines.join('\n'))?.[1]);
    expect(scratchPort).toBeGreaterThan(0);
    expect(scratchPort).not.toBe(Number(new URL(services.urlFor('satvach')).port));
    expect(await accepts(scratchPort)).toBe(false); // stopped (and deleted) after the drill
    expect(record.checks.map((check) => check.name)).toEqual(['postgis', 'rows public.notes', 'rows public.places', 'spatial public.places.location', 'spatial query']);
    const store = new BackupStore(config.s3);
    expect(JSON.parse((await store.getText(keys.drill)) ?? '{}')).toMatchObject({ stamp: manifest.stamp, ok: true });
    expect(await services.sql('postgres', `SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE '%_drill_%'`)).toEqual([{ n: 0 }]);
    const listed = await listBackups(config, store);
    expect(listed.at(-1)).toMatchObject({ stamp: manifest.stamp, complete: true, drill: { ok: true } });
  });
});

describe('restore drill --keep', () => {
  it('leaves the scratch server running with the restored database, and says how to stop it', async () => {
    const env = services.env({ SATVACH_BACKUP_DATABASE_URL: services.urlFor('src_plain') });
    const { manifest } = await backup(services.config(env), { log: recordingLogger() });
    let kept: ScratchServer | undefined;
    const log = recordingLogger();
    try {
      const record = await restoreDrill(services.config(env), { keep: true }, { log, startScratch: async (options) => (kept = await startScratchServer(options)) });
      expect(record.ok, JSON.stringify(record.checks)).toBe(true);
      const target = drillDatabaseName('src_plain', manifest.stamp);
      expect(log.lines.join('\n')).toContain(`drill: kept database "${target}" on the scratch server 127.0.0.1:${kept?.database.port}`);
      expect(log.lines.join('\n')).toMatch(/stop and delete it with: python3 \S+\/apps\/backend\/devtools\/local_services\.py scratch-down --state-dir \S+/);
      const client = await connect(kept!.database, target);
      expect((await client.query('SELECT count(*)::int AS n FROM places')).rows).toEqual([{ n: ROWS }]);
      await client.end();
    } finally {
      await kept?.stop();
    }
    expect(await accepts(kept!.database.port)).toBe(false);
  });
});

describe('retention against the real store', () => {
  it('prune deletes what GFS lets go, keeps latest and the floor, and --dry-run deletes nothing', async () => {
    const env = services.env({ SATVACH_BACKUP_KEEP_DAILY: '2', SATVACH_BACKUP_KEEP_WEEKLY: '0', SATVACH_BACKUP_KEEP_MONTHLY: '0', SATVACH_BACKUP_KEEP_MIN_AGE_HOURS: '24' });
    const config = services.config(env);
    const store = new BackupStore(config.s3);
    // A fabricated history of five nights (manifest + dump objects), then one real backup now.
    const nights = [1, 2, 3, 4, 5].map((daysAgo) => stampOf(new Date(Date.now() - daysAgo * 86_400_000)));
    for (const stamp of nights) {
      const keys = backupKeys(config.s3.prefix, config.database.database, stamp, false);
      await store.client.send(new PutObjectCommand({ Bucket: store.config.bucket, Key: keys.dump, Body: 'x' }));
      await store.putJson(keys.manifest, { stamp });
    }
    const leftover = backupKeys(config.s3.prefix, config.database.database, stampOf(new Date(Date.now() - 3 * 86_400_000 - 3_600_000)), false);
    await store.client.send(new PutObjectCommand({ Bucket: store.config.bucket, Key: leftover.dump, Body: 'partial' }));
    const now = await backup(config, { log: recordingLogger() });

    const dry = await prune(config, { dryRun: true }, { log: recordingLogger() });
    expect(dry.remove.map((d) => d.stamp)).toEqual(nights.slice(1));
    expect(dry.leftovers).toEqual([leftover.stamp]);
    expect((await listBackups(config, store)).length).toBe(7);

    const real = await prune(config, {}, { log: recordingLogger() });
    expect(real.keep.map((d) => d.stamp)).toEqual([now.manifest.stamp, nights[0]]);
    const remaining = await listBackups(config, store);
    expect(remaining.map((entry) => entry.stamp)).toEqual([nights[0], now.manifest.stamp]);
    expect((await readLatest(config, store))?.stamp).toBe(now.manifest.stamp);
    expect(manifestSchema.parse(JSON.parse((await store.getText(now.keys.manifest)) ?? '')).stamp).toBe(now.manifest.stamp);
  });
});

describe('heartbeat', () => {
  let heartbeat: HeartbeatRecorder;
  let base: string;
  let pings: HeartbeatRecorder['pings'];

  beforeAll(async () => {
    heartbeat = await startHeartbeatRecorder('/ping/check-uuid-1');
    ({ url: base, pings } = heartbeat);
  });

  afterAll(() => heartbeat.close());

  it('pings the success URL with the summary after a good run', async () => {
    pings.length = 0;
    const log = recordingLogger();
    const result = await backupJob(services.config({ SATVACH_BACKUP_HEARTBEAT_URL: base }), { log });
    expect(result.ok).toBe(true);
    expect(pings).toEqual([{ path: '/ping/check-uuid-1', body: expect.stringMatching(/^backup satvach \d{8}T\d{6}Z: \d+ bytes, sha256 [0-9a-f]{64}/) }]);
    expect(log.lines.join('\n')).not.toContain('check-uuid-1');
  });

  it('pings the failure URL with the reason when the database is unreachable', async () => {
    pings.length = 0;
    const log = recordingLogger();
    const result = await backupJob(services.config({ SATVACH_BACKUP_HEARTBEAT_URL: base, SATVACH_BACKUP_DATABASE_URL: 'postgresql://satvach:pw@127.0.0.1:1/satvach' }), { log });
    expect(result.ok).toBe(false);
    expect(result.summary).toBe('the database server at 127.0.0.1:1 is unreachable (ECONNREFUSED): check SATVACH_BACKUP_DATABASE_URL (or PGHOST/PGPORT) and that PostgreSQL runs');
    expect(pings).toEqual([{ path: '/ping/check-uuid-1/fail', body: result.summary }]);
  });

  it('wrong database credentials are named as such, and the password never appears', async () => {
    const url = new URL(services.urlFor('satvach'));
    url.password = 'wrong-password-123';
    const log = recordingLogger();
    const result = await backupJob(services.config({ SATVACH_BACKUP_DATABASE_URL: url.toString() }), { log });
    expect(result.ok).toBe(false);
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).not.toContain('wrong-password-123');
    expect(result.summary).toMatch(/^the database server at 127\.0\.0\.1:\d+ rejected user "satvach_backup" \(password authentication failed for user "satvach_backup"\): check the user and password/);
    expect(result.summary).not.toContain('wrong-password-123');
  });

  it('a missing bucket fails with a message naming it, before any dump starts', async () => {
    pings.length = 0;
    const result = await backupJob(services.config({ SATVACH_BACKUP_HEARTBEAT_URL: base, SATVACH_BACKUP_S3_BUCKET: 'no-such-bucket' }), { log: recordingLogger() });
    expect(result.summary).toMatch(/^bucket "no-such-bucket" at http:\/\/127\.0\.0\.1:\d+ does not exist: create it/);
    expect(pings.map((ping) => ping.path)).toEqual(['/ping/check-uuid-1/fail']);
  });
});
