// Test harness: a real PostgreSQL + PostGIS and a real s3rver, started with the backend's
// devtools/local_services.py (the same servers `npm run dev` uses), plus the faults the specs inject.
// The database has the stack's roles: backups run as the backup role (pg_read_all_data, nothing
// else); the superuser only sets up test data and is what `restore` (which creates databases) uses.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readEnvFile, run } from '@satvach/exec';
import { loadConfig, type BackupConfig } from '../config.ts';
import { connect } from '../postgres.ts';

export const workspaceRoot = resolve(import.meta.dirname, '../../../..');
const backendDir = join(workspaceRoot, 'apps/backend');
const python = join(backendDir, '.venv/bin/python');
const pgBin = '/usr/lib/postgresql/15/bin';

/** Who connects: the backup role (what db:backup runs as) or the cluster's superuser (test setup, restores). */
export type DatabaseRole = 'backup' | 'superuser';

export interface Services {
  readonly root: string;
  /** The backend's env file values (SATVACH_DATABASE_URL as the app role, SATVACH_S3_*). */
  readonly backendEnv: Record<string, string>;
  /** The owner role's URL (postgresql+asyncpg://): what migrations run as. */
  readonly migrateDatabaseUrl: string;
  /** SATVACH_BACKUP_* for these servers (the backup role), with a prefix of its own per call. */
  env(overrides?: Record<string, string>): Record<string, string>;
  config(overrides?: Record<string, string>): BackupConfig;
  /** The libpq URL of `database` on the test server as `role` (password included: tests only). */
  urlFor(database: string, role?: DatabaseRole): string;
  sql(database: string, text: string): Promise<Record<string, unknown>[]>;
  stopPostgres(): Promise<void>;
  killS3(): Promise<void>;
  /** Starts whatever is stopped again (data kept). */
  up(): Promise<void>;
  down(): Promise<void>;
}

const quiet = { quiet: true } as const;

export async function startServices(): Promise<Services> {
  if (!existsSync(python)) throw new Error('the backend virtualenv is missing: run `bash apps/backend/scripts/setup-venv.sh` (or `npx nx run backend:venv`)');
  const root = mkdtempSync(join(tmpdir(), 'satvach-backup-'));
  chmodSync(root, 0o755); // PostgreSQL runs as the postgres user and must reach its data dir.
  const stateDir = join(root, 'services');
  const up = async () => {
    await run({ file: python, args: ['devtools/local_services.py', 'up', '--state-dir', stateDir], cwd: backendDir }, quiet);
  };
  await up();
  const envFile = (name: string) => readEnvFile(join(stateDir, name));
  const backendEnv = envFile('backend.env');
  const libpq = (url: string | undefined) => (url ?? '').replace('postgresql+asyncpg://', 'postgresql://');
  const urls: Record<DatabaseRole, string> = {
    backup: libpq(envFile('backup.env').SATVACH_BACKUP_DATABASE_URL),
    superuser: libpq(envFile('superuser.env').SATVACH_BOOTSTRAP_DATABASE_URL),
  };
  const urlFor = (database: string, role: DatabaseRole = 'backup') => urls[role].replace(/\/[^/]+$/, `/${database}`);
  const env = (overrides: Record<string, string> = {}) => ({
    SATVACH_BACKUP_DATABASE_URL: urls.backup,
    SATVACH_BACKUP_S3_ENDPOINT_URL: backendEnv.SATVACH_S3_ENDPOINT_URL ?? '',
    SATVACH_BACKUP_S3_BUCKET: backendEnv.SATVACH_S3_BUCKET ?? '',
    SATVACH_BACKUP_S3_ACCESS_KEY_ID: backendEnv.SATVACH_S3_ACCESS_KEY_ID ?? '',
    SATVACH_BACKUP_S3_SECRET_ACCESS_KEY: backendEnv.SATVACH_S3_SECRET_ACCESS_KEY ?? '',
    // s3rver has one key pair and no policies: the retention identity is the same key here (moto.ts proves the split).
    SATVACH_BACKUP_PRUNE_S3_ACCESS_KEY_ID: backendEnv.SATVACH_S3_ACCESS_KEY_ID ?? '',
    SATVACH_BACKUP_PRUNE_S3_SECRET_ACCESS_KEY: backendEnv.SATVACH_S3_SECRET_ACCESS_KEY ?? '',
    SATVACH_BACKUP_S3_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    ...overrides,
  });
  const services: Services = {
    root,
    backendEnv,
    migrateDatabaseUrl: envFile('migrate.env').SATVACH_DATABASE_URL ?? '',
    env,
    config: (overrides) => loadConfig(env(overrides)),
    urlFor,
    async sql(database, text) {
      const client = await connect(loadConfig(env({ SATVACH_BACKUP_DATABASE_URL: urls.superuser })).database, database);
      try {
        return (await client.query(text)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    async stopPostgres() {
      const data = join(stateDir, 'postgres', 'data');
      await run({ file: 'runuser', args: ['-u', 'postgres', '--', join(pgBin, 'pg_ctl'), '--pgdata', data, '--mode', 'immediate', '--wait', 'stop'] }, quiet);
    },
    async killS3() {
      const state = JSON.parse(readFileSync(join(stateDir, 'services.json'), 'utf8')) as { s3_pid: number };
      process.kill(-state.s3_pid, 'SIGKILL'); // its process group: s3rver is started in a session of its own
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    up,
    async down() {
      await run({ file: python, args: ['devtools/local_services.py', 'down', '--state-dir', stateDir], cwd: backendDir }, quiet).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return services;
}

/** A database of its own with PostGIS, a geography column with a GiST index, and `rows` places. */
export async function seedPlaces(services: Services, database: string, rows: number): Promise<void> {
  await services.sql('postgres', `CREATE DATABASE ${database}`);
  await services.sql(
    database,
    `CREATE EXTENSION postgis;
     CREATE TABLE places (id bigserial PRIMARY KEY, name text NOT NULL, location geography(Point, 4326) NOT NULL);
     CREATE INDEX places_location_gist ON places USING gist (location);
     INSERT INTO places (name, location)
       SELECT 'place ' || i, ST_SetSRID(ST_MakePoint(-180 + (i * 7919 % 36000) / 100.0, -85 + (i * 104729 % 17000) / 100.0), 4326)::geography
       FROM generate_series(1::bigint, ${rows}) AS i;
     CREATE TABLE notes (id serial PRIMARY KEY, body text);
     INSERT INTO notes (body) SELECT md5(i::text) FROM generate_series(1, ${Math.ceil(rows / 10)}) AS i;
     ANALYZE;`,
  );
}

/** The answer of a spatial query that uses the GiST index: places within 500 km of Quito, and their ids' sum. */
export async function placesNearQuito(services: Services, database: string): Promise<{ count: number; sum: number }> {
  const [row] = await services.sql(
    database,
    `SELECT count(*)::int AS count, coalesce(sum(id), 0)::bigint AS sum FROM places
     WHERE ST_DWithin(location, 'SRID=4326;POINT(-78.5 -0.22)'::geography, 500000)`,
  );
  return { count: Number(row?.count), sum: Number(row?.sum) };
}

export interface HeartbeatRecorder {
  /** The URL to configure as SATVACH_BACKUP_HEARTBEAT_URL. */
  url: string;
  /** Every ping received, in order; tests empty it between cases. */
  pings: { path: string; body: string }[];
  close(): Promise<void>;
}

/** A real monitoring endpoint on 127.0.0.1 that records every heartbeat ping. */
export async function startHeartbeatRecorder(path: string): Promise<HeartbeatRecorder> {
  const pings: HeartbeatRecorder['pings'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      pings.push({ path: request.url ?? '', body });
      response.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    pings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
