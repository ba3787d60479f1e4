import { CommandStartError, type Command, type RunFn } from '@satvach/exec';
import { type BuildEngine } from './argv.ts';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** Printed by newer docker clients when `DOCKER_BUILDKIT=1` is set but the buildx plugin is absent. */
const BUILDX_MISSING = /buildx component is missing/i;

export interface EngineOptions {
  /** The docker client to probe; defaults to `docker` on PATH. */
  readonly docker?: string;
}

async function succeeds(run: RunFn, file: string, args: string[], env: Record<string, string> = {}): Promise<{ ok: boolean; output: string }> {
  try {
    const result = await run({ file, args, env }, { quiet: true });
    return { ok: true, output: `${result.stdout}\n${result.stderr}` };
  } catch (error) {
    if (error instanceof CommandStartError) throw error;
    const output = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
    return { ok: false, output };
  }
}

/**
 * Which build engine the docker client supports, with two cheap probes that need no engine:
 * 1. `docker buildx version` succeeds → `buildx`;
 * 2. `DOCKER_BUILDKIT=1 docker build --help` succeeds and mentions BuildKit → `buildkit`. A newer
 *    client without the buildx plugin fails right here ("buildx component is missing"), exactly as a
 *    real BuildKit build would; a client too old for BuildKit does not mention it;
 * 3. otherwise → `classic`.
 * A missing docker client is an error, not `classic`.
 */
export async function detectEngine(run: RunFn, options: EngineOptions = {}): Promise<BuildEngine> {
  const docker = options.docker ?? 'docker';
  if ((await succeeds(run, docker, ['buildx', 'version'])).ok) return 'buildx';
  const probe = await succeeds(run, docker, ['build', '--help'], { DOCKER_BUILDKIT: '1' });
  if (probe.ok && /buildkit/i.test(probe.output) && !BUILDX_MISSING.test(probe.output)) return 'buildkit';
  return 'classic';
}

/**
 * Asks the engine for its version (`docker info --format {{.ServerVersion}}`) and returns it. `env` is
 * the environment the docker client sees (normally `process.env`); its `DOCKER_HOST` is named in the error.
 */
export async function ensureEngineReachable(
  run: RunFn,
  env: Readonly<Record<string, string | undefined>>,
  options: EngineOptions = {},
): Promise<string> {
  const dockerHost = env.DOCKER_HOST?.trim() || undefined;
  const command: Command = {
    file: options.docker ?? 'docker',
    args: ['info', '--format', '{{.ServerVersion}}'],
    env: dockerHost === undefined ? {} : { DOCKER_HOST: dockerHost },
  };
  let version = '';
  let cause: unknown;
  try {
    version = (await run(command, { quiet: true })).stdout.trim();
  } catch (error) {
    if (error instanceof CommandStartError) throw error;
    cause = error;
  }
  if (version === '') {
    throw new Error(`cannot reach a Docker engine at ${dockerHost ?? DEFAULT_DOCKER_HOST}; start Docker or set DOCKER_HOST`, { cause });
  }
  return version;
}
