import { type Command, type MaybeSecret } from '@satvach/exec';
import pg from 'pg';
import { type DatabaseConfig } from './config.ts';
import { type SpatialCheck, type TableCount } from './manifest.ts';

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}

/** The PostgreSQL client programs; Debian's postgresql-client-15 puts them on PATH. */
export interface PgTools {
  readonly pgDump: string;
  readonly pgRestore: string;
}

export const DEFAULT_PG_TOOLS: PgTools = { pgDump: 'pg_dump', pgRestore: 'pg_restore' };

/** libpq's variables for the client programs: the password travels in the environment, never argv. */
export function libpqEnv(db: DatabaseConfig, database = db.database): Record<string, MaybeSecret> {
  return {
    PGHOST: db.host,
    PGPORT: String(db.port),
    PGUSER: db.user,
    PGDATABASE: database,
    ...(db.password === undefined ? {} : { PGPASSWORD: db.password }),
  };
}

/** `pg_dump -Fc` of the exported snapshot to stdout (no file). */
export function dumpCommand(db: DatabaseConfig, snapshot: string, tools: PgTools = DEFAULT_PG_TOOLS): Command {
  return { file: tools.pgDump, args: ['--format=custom', `--snapshot=${snapshot}`, '--no-password'], env: libpqEnv(db) };
}

export interface RestoreArgs {
  readonly target: string;
  readonly file: string;
  readonly jobs: number;
}

/** `pg_restore` from a verified file; stops at the first error (PostGIS missing must not pass silently). */
export function restoreCommand(db: DatabaseConfig, args: RestoreArgs, tools: PgTools = DEFAULT_PG_TOOLS): Command {
  return {
    file: tools.pgRestore,
    args: ['--dbname', args.target, '--exit-on-error', '--no-owner', '--no-privileges', '--no-password', `--jobs=${args.jobs}`, args.file],
    env: libpqEnv(db, args.target),
  };
}

function describeConnectError(error: unknown, db: DatabaseConfig, database: string): DatabaseError {
  const err = error as { code?: string; message?: string };
  const at = `${db.host}:${db.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new DatabaseError(`the database server at ${at} is unreachable (${err.code}): check SATVACH_BACKUP_DATABASE_URL (or PGHOST/PGPORT) and that PostgreSQL runs`);
    case '28P01':
    case '28000':
      return new DatabaseError(`the database server at ${at} rejected user "${db.user}" (${err.message ?? err.code}): check the user and password in SATVACH_BACKUP_DATABASE_URL (or PGUSER/PGPASSWORD)`);
    case '3D000':
      return new DatabaseError(`database "${database}" does not exist on ${at}: check the database name`);
    default:
      return new DatabaseError(`cannot connect to database "${database}" at ${at}: ${err.message ?? String(error)}`);
  }
}

export async function connect(db: DatabaseConfig, database = db.database): Promise<pg.Client> {
  const client = new pg.Client({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password?.reveal(),
    database,
    connectionTimeoutMillis: 10_000,
    application_name: 'satvach-backup',
  });
  client.on('error', () => undefined); // a dropped connection surfaces through the pending query instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw describeConnectError(error, db, database);
  }
  return client;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const USER_TABLES = `
  SELECT n.nspname AS schema, c.relname AS table
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  ORDER BY 1, 2`;

/** Exact row counts of every user table (extension-owned tables such as spatial_ref_sys excluded). */
export async function countRows(client: pg.Client): Promise<TableCount[]> {
  const tables = await client.query<{ schema: string; table: string }>(USER_TABLES);
  const counts: TableCount[] = [];
  for (const { schema, table } of tables.rows) {
    const result = await client.query<{ rows: string }>(`SELECT count(*)::bigint AS rows FROM ${quoteIdent(schema)}.${quoteIdent(table)}`);
    counts.push({ schema, table, rows: Number(result.rows[0]?.rows ?? 0) });
  }
  return counts;
}

/** How many spatial columns the manifest summarises: enough to prove PostGIS works, bounded in cost. */
export const MAX_SPATIAL_CHECKS = 3;

/** A spatial query per geometry/geography column (count and ST_Extent), to compare after a restore. */
export async function spatialChecks(client: pg.Client): Promise<SpatialCheck[]> {
  const hasPostgis = await postgisVersion(client);
  if (hasPostgis === null) return [];
  const columns = await client.query<{ schema: string; table: string; column: string; kind: 'geometry' | 'geography' }>(`
    SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, t.typname AS kind
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
    WHERE t.typname IN ('geometry', 'geography') AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1, 2, 3 LIMIT ${MAX_SPATIAL_CHECKS}`);
  const checks: SpatialCheck[] = [];
  for (const column of columns.rows) {
    const target = `${quoteIdent(column.schema)}.${quoteIdent(column.table)}`;
    const result = await client.query<{ rows: string; extent: string | null }>(
      `SELECT count(${quoteIdent(column.column)})::bigint AS rows, ST_AsText(ST_Extent(${quoteIdent(column.column)}::geometry)) AS extent FROM ${target}`,
    );
    checks.push({ ...column, rows: Number(result.rows[0]?.rows ?? 0), extent: result.rows[0]?.extent ?? null });
  }
  return checks;
}

export async function postgisVersion(client: pg.Client): Promise<string | null> {
  const result = await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'postgis'`);
  return result.rows[0]?.extversion ?? null;
}

export async function serverVersion(client: pg.Client): Promise<string> {
  const result = await client.query<{ server_version: string }>('SHOW server_version');
  return result.rows[0]?.server_version ?? 'unknown';
}

/** What a database already holds: user relations and extensions besides plpgsql. Empty means safe to restore into. */
export async function contentsOf(client: pg.Client): Promise<{ relations: number; extensions: string[] }> {
  const relations = await client.query<{ count: string }>(`
    SELECT count(*)::bigint AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`);
  const extensions = await client.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`);
  return { relations: Number(relations.rows[0]?.count ?? 0), extensions: extensions.rows.map((row) => row.extname) };
}
