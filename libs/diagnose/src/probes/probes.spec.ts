import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secret } from '@satvach/exec';
import { type Services, startServices } from '@satvach/backup/testing';
import { type DbTarget, probeDb } from './db.ts';
import { probeStorage, type StorageTarget } from './storage.ts';

// The probes against the real parts: PostgreSQL + PostGIS with the stack's roles, and s3rver, started
// by the backend's devtools (the servers `npm run dev` uses).
let services: Services;
let db: DbTarget;
let storage: StorageTarget;

beforeAll(async () => {
  services = await startServices();
  const app = new URL(services.backendEnv.SATVACH_DATABASE_URL!.replace('postgresql+asyncpg://', 'postgresql://'));
  const superuser = new URL(services.urlFor('postgres', 'superuser'));
  db = {
    host: app.hostname,
    port: Number(app.port),
    database: app.pathname.slice(1),
    user: decodeURIComponent(app.username),
    password: secret(decodeURIComponent(app.password)),
    connectionLimit: 64,
    superuser: { user: decodeURIComponent(superuser.username), password: secret(decodeURIComponent(superuser.password)) },
  };
  storage = {
    endpoint: services.backendEnv.SATVACH_S3_ENDPOINT_URL!,
    buckets: [services.backendEnv.SATVACH_S3_BUCKET!],
    accessKeyId: services.backendEnv.SATVACH_S3_ACCESS_KEY_ID!,
    secretAccessKey: secret(services.backendEnv.SATVACH_S3_SECRET_ACCESS_KEY!),
  };
});

afterAll(async () => {
  await services?.down();
});

describe('the db probe', () => {
  it('logs in as the app role and counts the connections in use', async () => {
    const seen = await probeDb(db);
    expect(seen).toMatchObject({ kind: 'ok', user: db.user, database: db.database, address: `${db.host}:${db.port}` });
    expect(seen.kind === 'ok' && seen.connections >= 1 && seen.maxConnections >= seen.connections).toBe(true);
  });

  it('names a rotated password as an authentication failure, and never shows the password it tried', async () => {
    const wrong = 'not-the-password-0123456789';
    const seen = await probeDb({ ...db, password: secret(wrong) });
    expect(seen).toEqual({ kind: 'auth-failed', user: db.user });
    expect(JSON.stringify(seen)).not.toContain(wrong);
  });

  it('tells the role\'s CONNECTION LIMIT from the server\'s max_connections, asking the server for the limit', async () => {
    await services.sql('postgres', `ALTER ROLE ${db.user} CONNECTION LIMIT 1`);
    const holder = new pg.Client({ host: db.host, port: db.port, database: db.database, user: db.user, password: db.password.reveal() });
    await holder.connect();
    try {
      expect(await probeDb(db)).toEqual({ kind: 'role-limit', user: db.user, limit: 1 });
    } finally {
      await holder.end();
      await services.sql('postgres', `ALTER ROLE ${db.user} CONNECTION LIMIT 64`);
    }
  });
});

describe('the storage probe', () => {
  it('finds the bucket, and names one that is missing', async () => {
    expect(await probeStorage(storage)).toEqual({ kind: 'answered', endpoint: storage.endpoint, buckets: [{ name: storage.buckets[0], state: 'ok' }] });
    expect(await probeStorage({ ...storage, buckets: ['satvach-nowhere'] })).toEqual({ kind: 'answered', endpoint: storage.endpoint, buckets: [{ name: 'satvach-nowhere', state: 'missing' }] });
  });
});

describe('stopped servers', () => {
  it('are "connection refused" at their address', async () => {
    await services.stopPostgres();
    await services.killS3();
    try {
      expect(await probeDb(db)).toEqual({ kind: 'unreachable', address: `${db.host}:${db.port}`, reason: 'connection refused' });
      expect(await probeStorage(storage)).toEqual({ kind: 'unreachable', endpoint: storage.endpoint, reason: 'connection refused' });
    } finally {
      await services.up();
    }
  });
});
