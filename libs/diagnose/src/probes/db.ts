import pg from 'pg';
import { type Secret } from '@satvach/exec';
import type { DbObservation } from '../observations.ts';
import { reasonOf } from './http.ts';

export interface DbTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** The app role the backend logs in as, with the password the stack env gives it. */
  readonly user: string;
  readonly password: Secret;
  /** The role's CONNECTION LIMIT as the env sets it; the superuser's answer wins when it can be asked. */
  readonly connectionLimit: number;
  /** The superuser, to read max_connections and the role's limit when the app role cannot log in. */
  readonly superuser?: { readonly user: string; readonly password: Secret };
}

const TIMEOUT_MS = 5000;

async function withClient<T>(target: DbTarget, user: string, password: Secret, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: target.host, port: target.port, database: target.database, user, password: password.reveal(), connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined); // a server going away after login must not crash the process
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What the server says as the superuser: the role's limit and max_connections (undefined when it cannot be asked). */
async function limits(target: DbTarget): Promise<{ roleLimit?: number; maxConnections?: number }> {
  if (target.superuser === undefined) return {};
  try {
    return await withClient(target, target.superuser.user, target.superuser.password, async (client) => {
      const { rows } = await client.query<{ limit: number; max: string }>("SELECT (SELECT rolconnlimit FROM pg_roles WHERE rolname = $1) AS limit, current_setting('max_connections') AS max", [target.user]);
      return { roleLimit: rows[0]?.limit ?? undefined, maxConnections: Number(rows[0]?.max) };
    });
  } catch {
    return {};
  }
}

/** Logs in as the app role, as the backend does; a refusal is named by its cause (PostgreSQL's SQLSTATE). */
export async function probeDb(target: DbTarget): Promise<DbObservation> {
  const address = `${target.host}:${target.port}`;
  try {
    return await withClient(target, target.user, target.password, async (client) => {
      const { rows } = await client.query<{ used: string; max: string }>("SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used, current_setting('max_connections') AS max");
      return { kind: 'ok', user: target.user, database: target.database, address, connections: Number(rows[0]?.used), maxConnections: Number(rows[0]?.max) } as const;
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '28P01' || code === '28000') return { kind: 'auth-failed', user: target.user };
    if (code === '53300') {
      const known = await limits(target);
      if (/for role/.test((error as Error).message)) return { kind: 'role-limit', user: target.user, limit: known.roleLimit ?? target.connectionLimit };
      return { kind: 'server-full', maxConnections: known.maxConnections };
    }
    if (code === '57P03') return { kind: 'error', message: `the server at ${address} is starting up or shutting down` };
    if (code === '3D000') return { kind: 'error', message: `database "${target.database}" does not exist at ${address}` };
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return { kind: 'error', message: `${(error as Error).message} (SQLSTATE ${code}) at ${address}` };
    return { kind: 'unreachable', address, reason: reasonOf(error) };
  }
}
