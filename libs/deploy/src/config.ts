import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';

export const COLOURS = ['blue', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

export function otherColour(colour: Colour): Colour {
  return colour === 'blue' ? 'green' : 'blue';
}

const port = z.number().int().min(1).max(65535);
const containerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a Docker container name ([A-Za-z0-9][A-Za-z0-9_.-]*)');

const AnalysisSchema = z.strictObject({
  /** Length of one analysis window. */
  intervalSeconds: z.number().positive().default(10),
  /** Below this many canary requests in a window nothing is judged: the window is extended. */
  minRequests: z.number().int().min(1).default(50),
  /** Windows extended for lack of traffic before the canary is stopped (never promoted on no data). */
  maxExtensions: z.number().int().min(0).default(3),
  /** The canary fails a window when its 5xx share exceeds stable's by more than this (0.01 = 1 point). */
  max5xxIncrease: z.number().min(0).max(1).default(0.01),
  /** …or when its p95 latency is above stable's × this and at least `minP95IncreaseMs` above it. */
  maxP95Ratio: z.number().min(1).default(1.5),
  minP95IncreaseMs: z.number().min(0).default(50),
  /**
   * …or when it received far more than its weight of the window's requests: above weight × this (and
   * above 100 − (100 − weight) / this, so a 50 % step is covered too). That is the edge sending it
   * stable's traffic, which no error rate shows.
   */
  maxShareRatio: z.number().gt(1).default(2),
  /** Failed windows, over the whole canary, that trigger the automatic rollback. */
  maxFailedChecks: z.number().int().min(1).default(2),
  /** Passing windows each step must show before traffic moves to the next step. */
  checksPerStep: z.number().int().min(1).default(2),
});

const MEMORY = /^(\d+)([bkmg])$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes of a Docker memory size such as `512m` (the form `--memory` and compose's `mem_limit` take). */
export function memoryBytes(size: string): number {
  const match = MEMORY.exec(size);
  if (match === null) throw new Error(`"${size}" is not a memory size such as 512m`);
  return Number(match[1]) * (UNIT_BYTES[(match[2] ?? 'b').toLowerCase()] ?? 1);
}

/** Docker refuses memory limits below 6 MiB. */
const MIN_MEMORY_BYTES = 6 * 1024 ** 2;
const ROOT_USER = /^(0|root)(:.*)?$/;
const ROTATING_DRIVERS = ['json-file', 'local'];

/**
 * What every colour container runs with: the same settings as docker/compose.prod.yml's `backend`
 * service (compose-consistency.spec.ts fails when the two differ), in compose's terms.
 */
const HardeningSchema = z.strictObject(
  {
    /** `--read-only`: the image's files cannot be changed; the service writes only to its tmpfs mounts. */
    readOnly: z.boolean(),
    /** `--tmpfs`: `/path` or `/path:options` (e.g. `/tmp:size=64m`). */
    tmpfs: z.array(z.string().regex(/^\/[^\s:]*(:[^\s]+)?$/, 'an absolute path, optionally with :options, e.g. /tmp or /tmp:size=64m')),
    /** `--cap-drop`: `ALL`, or capability names. */
    capDrop: z.array(z.string().regex(/^(ALL|(CAP_)?[A-Z_]+)$/, 'ALL or a capability name such as NET_RAW')),
    /** `--security-opt`, e.g. `no-new-privileges:true`. */
    securityOpt: z.array(z.string().regex(/^[a-z-]+([:=].+)?$/, 'a Docker security option such as no-new-privileges:true')),
    /** `--memory`, e.g. `512m` (b, k, m or g). */
    memory: z
      .string()
      .regex(MEMORY, 'a memory size such as 512m (b, k, m or g)')
      .refine((size) => !MEMORY.test(size) || memoryBytes(size) >= MIN_MEMORY_BYTES, 'at least 6m (Docker refuses less)'),
    /** `--cpus`: CPUs the colour may use. */
    cpus: z.number().positive(),
    /** `--pids-limit`: processes and threads the colour may run. */
    pidsLimit: z.number().int().min(1),
    /** `--user`: uid[:gid] or name; never root. */
    user: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/, 'uid[:gid] or a user name, e.g. 10001')
      .refine((user) => !ROOT_USER.test(user), 'must not be root (0): the image runs as a non-root user (apps/backend/Dockerfile USER)'),
    /** `--restart`. */
    restart: z.string().regex(/^(no|always|unless-stopped|on-failure(:\d+)?)$/, 'no, always, unless-stopped or on-failure[:N]'),
    /** `--log-driver` and `--log-opt`: json-file and local need rotation (max-size and max-file). */
    logging: z
      .strictObject({ driver: z.string().regex(/^[a-z0-9_.-]+$/, 'a Docker log driver such as json-file'), options: z.record(z.string().regex(/^[a-z0-9_.-]+$/), z.string()) })
      .check((ctx) => {
        const { driver, options } = ctx.value;
        if (ROTATING_DRIVERS.includes(driver) && (options['max-size'] === undefined || options['max-file'] === undefined)) {
          ctx.issues.push({ code: 'custom', input: options, path: ['options'], message: `${driver} logs grow without bound: set max-size and max-file (e.g. "10m" and "5")` });
        }
      }),
  },
  {
    error: (issue) =>
      issue.input === undefined ? 'missing: copy the "hardening" block of docker/deploy/backend.deploy.json (it mirrors the backend of docker/compose.prod.yml)' : undefined,
  },
);

const DeployConfigSchema = z.strictObject({
  /** Containers are named `<containerPrefix>-blue` and `<containerPrefix>-green`. */
  containerPrefix: containerName.default('satvach-backend'),
  /**
   * Docker networks the colours join: the compose stack's (its backend network for the database and
   * the edge's network), or ["host"] for host networking.
   */
  networks: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a Docker network name'))
    .min(1)
    .default(['host'])
    .check((ctx) => {
      if (ctx.value.includes('host') && ctx.value.length > 1) ctx.issues.push({ code: 'custom', input: ctx.value, message: '"host" cannot be combined with other networks' });
    }),
  /**
   * Each colour listens on its own port, inside its container too, and is published on
   * 127.0.0.1:<port> for health probes: nginx logs upstreams as ip:port, so the port is what tells
   * the colours apart in the access log on any network.
   */
  colours: z.strictObject({ blue: z.strictObject({ hostPort: port }), green: z.strictObject({ hostPort: port }) }),
  /** The service's environment (secrets included): handed to `docker run --env-file`, never read into argv or logs. */
  envFile: z.string().min(1),
  /** The env variable that tells the service which release it is (sent back as a response header). */
  releaseEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('SATVACH_RELEASE'),
  /** The env variable that sets the service's port. */
  portEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('SATVACH_PORT'),
  health: z
    .strictObject({
      path: z.string().startsWith('/').default('/health/ready'),
      timeoutSeconds: z.number().positive().default(90),
      intervalMs: z.number().int().positive().default(500),
      /** Consecutive 2xx answers needed before a colour counts as healthy. */
      healthyStreak: z.number().int().min(1).default(3),
    })
    .prefault({}),
  edge: z.strictObject({
    /**
     * The running edge nginx (the frontend image); its access log (stdout) feeds the canary analysis.
     * A copy of its upstream is kept in `<stateDir>/edge/upstream.conf`, which the edge loads when it
     * (re)starts with SATVACH_API_UPSTREAM_FILE pointing at it (docker/compose.deploy.yml).
     */
    container: containerName,
    /** The upstream file nginx loads inside the edge container (edge-entrypoint.sh renders it there). */
    liveFile: z.string().startsWith('/').default('/tmp/nginx/http.d/upstream.conf'),
    upstreamName: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('satvach_api'),
    keepalive: z.number().int().min(1).default(32),
    /** Longest wait for the old colour to finish its requests after a switch (it keeps running for rollback). */
    drainTimeoutSeconds: z.number().positive().default(30),
    /** The old colour counts as drained after this long without a request in the edge's log. */
    drainQuietSeconds: z.number().positive().default(2),
  }),
  canary: z
    .strictObject({
      /** Traffic shares in percent, rising; the last must be 100 (full rollout). */
      steps: z
        .array(z.number().int().min(1).max(100))
        .min(1)
        .default([10, 50, 100])
        .check((ctx) => {
          const steps = ctx.value;
          if (steps.at(-1) !== 100) ctx.issues.push({ code: 'custom', input: steps, message: 'the last step must be 100 (full rollout)' });
          if (steps.some((step, i) => i > 0 && step <= (steps[i - 1] ?? 0))) ctx.issues.push({ code: 'custom', input: steps, message: 'steps must rise, e.g. [10, 50, 100]' });
        }),
      analysis: AnalysisSchema.prefault({}),
    })
    .prefault({}),
  /** Holds state.json, the lock and the edge's upstream file. */
  stateDir: z.string().min(1).default('/var/lib/satvach/deploy'),
  /** Container settings of every colour: production's hardening (docker/compose.prod.yml). */
  hardening: HardeningSchema,
  /** Nx target run before a new version starts when a release migrates the database (`--backup`). */
  backupTarget: z.string().regex(/^[\w.-]+:[\w.-]+$/, 'must be project:target').default('db:backup'),
});

export type DeployConfig = z.infer<typeof DeployConfigSchema>;
export type AnalysisConfig = z.infer<typeof AnalysisSchema>;
export type Hardening = z.infer<typeof HardeningSchema>;

export class DeployConfigError extends Error {
  override name = 'DeployConfigError';
}

/** Parses a config object; every problem is named by its key path. Relative paths resolve against `baseDir`. */
export function parseDeployConfig(raw: unknown, source: string, baseDir: string): DeployConfig {
  const parsed = DeployConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new DeployConfigError(`${source}: invalid deploy configuration (${problems.length} problem(s)):\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  if (config.colours.blue.hostPort === config.colours.green.hostPort) {
    throw new DeployConfigError(`${source}: colours.blue.hostPort and colours.green.hostPort are both ${config.colours.blue.hostPort}; give each colour its own port`);
  }
  const resolvePath = (path: string) => (isAbsolute(path) ? path : join(baseDir, path));
  return { ...config, envFile: resolvePath(config.envFile), stateDir: resolvePath(config.stateDir) };
}

export function loadDeployConfig(file: string, baseDir: string): DeployConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeployConfigError(`cannot read the deploy configuration ${file}: ${(error as Error).message}; pass --config=<file> or create it from docker/deploy/backend.deploy.json`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DeployConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseDeployConfig(raw, file, baseDir);
}

/** Where the edge reaches a colour: its loopback port on host networks, its container name otherwise. */
export function upstreamAddress(config: DeployConfig, colour: Colour): string {
  return `${isHostNetwork(config) ? '127.0.0.1' : containerNameOf(config, colour)}:${config.colours[colour].hostPort}`;
}

export function isHostNetwork(config: DeployConfig): boolean {
  return config.networks[0] === 'host';
}

export function containerNameOf(config: DeployConfig, colour: Colour): string {
  return `${config.containerPrefix}-${colour}`;
}

export function healthUrl(config: DeployConfig, colour: Colour): string {
  return `http://127.0.0.1:${config.colours[colour].hostPort}${config.health.path}`;
}

export const stateFileOf = (config: DeployConfig) => join(config.stateDir, 'state.json');
export const lockFileOf = (config: DeployConfig) => join(config.stateDir, 'deploy.lock');
export const upstreamFileOf = (config: DeployConfig) => join(config.stateDir, 'edge', 'upstream.conf');
