// A real deploy target on loopback, for the deploy e2e and bench/deploy: PostGIS and s3rver from the
// backend's devtools, the edge nginx (the frontend image) on host networking, and backend images that
// differ in the ways a release can: a new version, one answering 25 % 5xx, one 250 ms slower, one
// that never gets healthy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServices, type Services, workspaceRoot } from '@satvach/backup/testing';
import { pollUntil, run } from '@satvach/exec';
import { type DeployConfig, parseDeployConfig } from '../config.ts';
import { DockerHost } from '../docker.ts';
import { documentedConfig } from './documented.ts';

const backendDir = join(workspaceRoot, 'apps/backend');

export const EDGE_URL = 'http://127.0.0.1:8080';
export const LOAD_PATH = '/api/v1/places/nearby?lat=48.8566&lon=2.3522&radius_m=1000';

/** The variants built on the backend image under test, by tag. */
export const VARIANTS = {
  v1: '',
  v2: 'LABEL dev.satvach.test.variant=v2',
  failing: 'ENV SATVACH_FAULT_5XX_RATE=0.25\nLABEL dev.satvach.test.variant=failing',
  slow: 'ENV SATVACH_FAULT_DELAY_MS=250\nLABEL dev.satvach.test.variant=slow',
  neverHealthy: 'CMD ["python", "-c", "import time; time.sleep(3600)"]\nLABEL dev.satvach.test.variant=never-healthy',
} as const;
export type Variant = keyof typeof VARIANTS;

export interface DeployFixture {
  readonly scratch: string;
  /** The PostGIS and s3rver the backend runs against (their SATVACH_BACKUP_* env for db:backup too). */
  readonly services: Services;
  readonly config: DeployConfig;
  readonly configFile: string;
  readonly docker: DockerHost;
  /** Image reference of each variant. */
  readonly images: Record<Variant, string>;
  /** The database password, which must never appear in any output. */
  readonly databasePassword: string;
  /** Writes a config with these changes next to the main one and returns its path. */
  configWith(name: string, changes: Record<string, unknown>): string;
  teardown(): Promise<void>;
}

export interface FixtureOptions {
  readonly docker: string;
  readonly env?: Record<string, string>;
  /** The backend and edge images under test (image ids or references). */
  readonly backendImage: string;
  readonly edgeImage: string;
  /** Names containers and tags, so two fixtures never collide. */
  readonly name: string;
  readonly analysis?: Record<string, number>;
}

export async function startDeployFixture(options: FixtureOptions): Promise<DeployFixture> {
  const services = await startServices();
  const scratch = services.root;
  const dockerRun = (args: string[], input?: string) => run({ file: options.docker, args, env: { DOCKER_BUILDKIT: '1', ...options.env }, ...(input === undefined ? {} : { input }) }, { quiet: true });
  const edge = `${options.name}-edge`;
  const prefix = `${options.name}-backend`;
  const cleanup = async () => {
    for (const name of [edge, `${prefix}-blue`, `${prefix}-green`]) await dockerRun(['rm', '--force', name]).catch(() => undefined);
    await services.down();
  };
  try {
    const { backendEnv } = services;
    const databaseUrl = backendEnv.SATVACH_DATABASE_URL ?? '';
    // Migrations as the owner role; the colours get backend.env, the app role's.
    await run({ file: join(backendDir, '.venv/bin/alembic'), args: ['upgrade', 'head'], cwd: backendDir, env: { SATVACH_DATABASE_URL: services.migrateDatabaseUrl } }, { quiet: true });
    const envFile = join(scratch, 'backend.env');
    writeFileSync(envFile, Object.entries({ ...backendEnv, SATVACH_HOST: '127.0.0.1' }).map(([key, value]) => `${key}=${value}`).join('\n') + '\n', { mode: 0o600 });

    const images = {} as Record<Variant, string>;
    const base = `${options.name}/backend`;
    await dockerRun(['tag', options.backendImage, `${base}:v1`]);
    for (const [variant, lines] of Object.entries(VARIANTS) as [Variant, string][]) {
      images[variant] = `${base}:${variant}`;
      if (lines !== '') await dockerRun(['build', '--quiet', '--tag', images[variant], '-'], `FROM ${base}:v1\n${lines}\n`);
    }

    const stateDir = join(scratch, 'deploy');
    mkdirSync(join(stateDir, 'edge'), { recursive: true, mode: 0o755 });
    await dockerRun(['rm', '--force', edge]).catch(() => undefined);
    await dockerRun([
      'run', '--detach', '--name', edge, '--network', 'host',
      // Until the first deploy the edge points at a port nothing listens on.
      '--env', 'SATVACH_API_UPSTREAM=127.0.0.1:9', '--env', 'SATVACH_API_UPSTREAM_FILE=/etc/satvach/deploy/upstream.conf',
      '--env', 'SATVACH_EDGE_RATE_PER_S=100000', '--env', 'SATVACH_EDGE_RATE_BURST=100000',
      '--volume', `${join(stateDir, 'edge')}:/etc/satvach/deploy:ro`,
      options.edgeImage,
    ]);
    const raw = {
      containerPrefix: prefix,
      networks: ['host'],
      colours: { blue: { hostPort: 18101 }, green: { hostPort: 18102 } },
      envFile,
      // Production's hardening (read-only root, no capabilities, limits, rotated logs, uid 10001).
      hardening: documentedConfig().hardening,
      health: { timeoutSeconds: 30, intervalMs: 300, healthyStreak: 2 },
      edge: { container: edge, drainTimeoutSeconds: 15, drainQuietSeconds: 1 },
      canary: { steps: [10, 50, 100], analysis: { intervalSeconds: 8, minRequests: 40, maxExtensions: 1, checksPerStep: 2, maxFailedChecks: 2, ...options.analysis } },
      stateDir,
    };
    const configFile = join(scratch, 'deploy.json');
    writeFileSync(configFile, JSON.stringify(raw, null, 2));
    const edgeAnswered = await pollUntil(async () => (await fetch(`${EDGE_URL}/healthz`).then((response) => response.ok, () => false)) || undefined, { timeoutMs: 20_000, intervalMs: 200 });
    if (!edgeAnswered) throw new Error(`the edge ${edge} did not answer on ${EDGE_URL}/healthz: ${(await dockerRun(['logs', '--tail', '20', edge]).catch((error: Error) => ({ stdout: error.message }))).stdout}`);
    return {
      scratch,
      services,
      config: parseDeployConfig(raw, configFile, scratch),
      configFile,
      docker: new DockerHost(run, options.docker, options.env),
      images,
      databasePassword: new URL(databaseUrl.replace('postgresql+asyncpg', 'http')).password,
      configWith(name, changes) {
        const file = join(scratch, `${name}.json`);
        writeFileSync(file, JSON.stringify({ ...raw, ...changes }, null, 2));
        return file;
      },
      teardown: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
