import { join } from 'node:path';
import { type LoadedStackEnv } from '@satvach/compose';
import { type MaybeSecret, secret } from '@satvach/exec';
import type { DbTarget } from './probes/db.ts';
import type { StorageTarget } from './probes/storage.ts';

/** Where each part of a running stack answers on this host, from the same env stack:up read. */
export interface StackTargets {
  readonly db: DbTarget;
  readonly storage: StorageTarget;
  readonly edgeOrigin: string;
  readonly backendUrl: string;
  readonly deployStateFile: string;
  readonly tunnelMetricsUrl: string;
  readonly backupMetricsUrl: string;
}

const asSecret = (value: MaybeSecret | undefined) => (typeof value === 'string' ? secret(value) : (value ?? secret('')));

/**
 * The addresses the dev overlay (and, for the local images, the host network) publishes on loopback:
 * PostGIS on SATVACH_DB_PORT, MinIO on its public endpoint, the backend on 8000, the edge where
 * SATVACH_HTTP_BIND/PORT put it, cloudflared's metrics on 2000 (it shares the edge's network) and the
 * backup scheduler's on 9464.
 */
export function stackTargets({ env, composeEnv }: LoadedStackEnv): StackTargets {
  const bind = env.SATVACH_HTTP_BIND === '0.0.0.0' ? '127.0.0.1' : env.SATVACH_HTTP_BIND === '::' ? '::1' : env.SATVACH_HTTP_BIND;
  return {
    db: {
      host: '127.0.0.1',
      port: env.SATVACH_DB_PORT,
      database: env.POSTGRES_DB,
      user: env.SATVACH_DB_APP_USER,
      password: asSecret(composeEnv.SATVACH_DB_APP_PASSWORD),
      connectionLimit: env.SATVACH_DB_APP_CONNECTION_LIMIT,
      superuser: { user: env.POSTGRES_USER, password: asSecret(composeEnv.POSTGRES_PASSWORD) },
    },
    storage: {
      endpoint: env.SATVACH_S3_PUBLIC_ENDPOINT_URL ?? 'http://127.0.0.1:9000',
      buckets: [env.SATVACH_S3_BUCKET],
      accessKeyId: env.SATVACH_S3_ACCESS_KEY_ID,
      secretAccessKey: asSecret(composeEnv.SATVACH_S3_SECRET_ACCESS_KEY),
    },
    edgeOrigin: `http://${bind.includes(':') ? `[${bind}]` : bind}:${env.SATVACH_HTTP_PORT}`,
    backendUrl: 'http://127.0.0.1:8000',
    deployStateFile: join(env.SATVACH_DEPLOY_DIR, 'state.json'),
    tunnelMetricsUrl: 'http://127.0.0.1:2000/metrics',
    backupMetricsUrl: 'http://127.0.0.1:9464/metrics',
  };
}
