import { join } from 'node:path';
import { type LoadedStackEnv } from '@satvach/compose';
import { type MaybeSecret, secret } from '@satvach/exec';
import type { DbTarget } from './probes/db.ts';
import type { StorageTarget } from './probes/storage.ts';

/** A compose service and the port it listens on in its container (docker/compose.yml's `expose`). */
export interface ServicePort {
  readonly service: string;
  readonly port: number;
}

/**
 * What diagnose reads of a running stack: the logins and names from the same env stack:up read, and
 * which service answers each probe. The services' addresses come from the engine at run time
 * (addresses.ts); the edge is asked where it is published, as a visitor reaches it.
 */
export interface StackTargets {
  readonly db: Omit<DbTarget, 'host' | 'port'>;
  readonly storage: Omit<StorageTarget, 'endpoint'>;
  readonly edgeOrigin: string;
  readonly deployStateFile: string;
  readonly services: { readonly [K in keyof typeof SERVICE_PORTS]: ServicePort };
}

/** cloudflared's metrics are on 2000 in the edge's namespace (`network_mode: service:edge`). */
export const SERVICE_PORTS = {
  db: { service: 'db', port: 5432 },
  storage: { service: 'minio', port: 9000 },
  backend: { service: 'backend', port: 8000 },
  tunnelMetrics: { service: 'cloudflared', port: 2000 },
  backupMetrics: { service: 'backup', port: 9464 },
} as const satisfies Record<string, ServicePort>;

const asSecret = (value: MaybeSecret | undefined) => (typeof value === 'string' ? secret(value) : (value ?? secret('')));

export function stackTargets({ env, composeEnv }: LoadedStackEnv): StackTargets {
  const bind = env.SATVACH_HTTP_BIND === '0.0.0.0' ? '127.0.0.1' : env.SATVACH_HTTP_BIND === '::' ? '::1' : env.SATVACH_HTTP_BIND;
  return {
    db: {
      database: env.POSTGRES_DB,
      user: env.SATVACH_DB_APP_USER,
      password: asSecret(composeEnv.SATVACH_DB_APP_PASSWORD),
      connectionLimit: env.SATVACH_DB_APP_CONNECTION_LIMIT,
      superuser: { user: env.POSTGRES_USER, password: asSecret(composeEnv.POSTGRES_PASSWORD) },
    },
    storage: {
      buckets: [env.SATVACH_S3_BUCKET],
      accessKeyId: env.SATVACH_S3_ACCESS_KEY_ID,
      secretAccessKey: asSecret(composeEnv.SATVACH_S3_SECRET_ACCESS_KEY),
    },
    edgeOrigin: `http://${bind.includes(':') ? `[${bind}]` : bind}:${env.SATVACH_HTTP_PORT}`,
    deployStateFile: join(env.SATVACH_DEPLOY_DIR, 'state.json'),
    services: SERVICE_PORTS,
  };
}
