import { registryHost, validateImageRef } from './reference.ts';

/**
 * How images are built with the docker client at hand:
 * - `buildx`: `docker buildx build --load` (BuildKit with cache export);
 * - `buildkit`: `DOCKER_BUILDKIT=1 docker build` (BuildKit, no cache export; e.g. the 20.10 client);
 * - `classic`: `DOCKER_BUILDKIT=0 docker build` (legacy builder: no `--secret`, no `RUN --mount`).
 */
export type BuildEngine = 'buildx' | 'buildkit' | 'classic';
export const BUILD_ENGINES: readonly BuildEngine[] = ['buildx', 'buildkit', 'classic'];

/** A BuildKit secret: the build reads the FILE at `src` as `/run/secrets/<id>`. Never a value. */
export interface BuildSecret {
  readonly id: string;
  readonly src: string;
}

export interface BuildSpec {
  /** The docker client to call; defaults to `docker` on PATH. */
  readonly docker?: string;
  readonly dockerfile: string;
  /** The build context directory; always the last argument. */
  readonly context: string;
  /** Full references (`name:tag`), each passed with `-t`. */
  readonly tags: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
  /** `--network` for RUN steps, e.g. `host`. */
  readonly network?: string;
  readonly secrets?: readonly BuildSecret[];
  readonly cacheFrom?: readonly string[];
  /** Exported cache; only `buildx` can do it. */
  readonly cacheTo?: readonly string[];
  /** Where docker writes the built image ID. */
  readonly iidFile?: string;
}

/** A docker invocation as data; `run({ ...invocation })` executes it. */
export interface DockerInvocation {
  readonly file: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

export interface BuildInvocation extends DockerInvocation {
  /** Requested features this engine cannot honour and therefore left out. */
  readonly warnings: string[];
}

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;

function checkSpec(spec: BuildSpec): void {
  if (spec.tags.length === 0) throw new Error('a build needs at least one tag');
  for (const tag of spec.tags) validateImageRef(tag);
  for (const name of Object.keys(spec.buildArgs ?? {})) {
    if (!BUILD_ARG_NAME.test(name)) throw new Error(`build arg name "${name}" is not allowed; use letters, digits and '_'`);
  }
  for (const key of Object.keys(spec.labels ?? {})) {
    if (key === '' || key.includes('=')) throw new Error(`label key "${key}" is not allowed; it must be non-empty and without '='`);
  }
  for (const { id, src } of spec.secrets ?? []) {
    if (!SECRET_ID.test(id)) throw new Error(`build secret id "${id}" is not allowed; use letters, digits, '_', '.' and '-'`);
    if (src === '' || src.includes(',')) throw new Error(`build secret "${id}": src must be a file path without ','`);
  }
}

/**
 * The argv of one image build for `engine`. Pure: nothing is executed or read. Secrets are passed as
 * file paths only, so no secret value can reach argv (and with it `ps` or a log line).
 */
export function buildArgv(spec: BuildSpec, engine: BuildEngine): BuildInvocation {
  checkSpec(spec);
  const warnings: string[] = [];
  const secrets = spec.secrets ?? [];
  const cacheFrom = spec.cacheFrom ?? [];
  const cacheTo = spec.cacheTo ?? [];
  const canUseSecrets = engine !== 'classic';
  const canExportCache = engine === 'buildx';

  if (!canUseSecrets && secrets.length > 0) {
    warnings.push(
      `the classic builder cannot pass build secrets; left out: ${secrets.map((s) => s.id).join(', ')}. ` +
        'A Dockerfile with RUN --mount=type=secret or type=cache fails with it: use a docker client with BuildKit or buildx.',
    );
  }
  if (!canExportCache && cacheTo.length > 0) {
    warnings.push(`--cache-to needs buildx; the ${engine} builder does not export a cache, left out: ${cacheTo.join(', ')}`);
  }

  const args = engine === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
  args.push('-f', spec.dockerfile);
  for (const tag of spec.tags) args.push('-t', tag);
  for (const [key, value] of Object.entries(spec.labels ?? {})) args.push('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(spec.buildArgs ?? {})) args.push('--build-arg', `${key}=${value}`);
  if (spec.target !== undefined) args.push('--target', spec.target);
  if (spec.network !== undefined) args.push('--network', spec.network);
  if (canUseSecrets) for (const { id, src } of secrets) args.push('--secret', `id=${id},src=${src}`);
  for (const source of cacheFrom) args.push('--cache-from', source);
  if (canExportCache) for (const destination of cacheTo) args.push('--cache-to', destination);
  if (spec.iidFile !== undefined) args.push('--iidfile', spec.iidFile);
  args.push(spec.context);

  const env: Record<string, string> =
    engine === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : engine === 'classic' ? { DOCKER_BUILDKIT: '0' } : {};
  return { file: spec.docker ?? 'docker', args, env, warnings };
}

export function pushArgv(ref: string, docker = 'docker'): DockerInvocation {
  return { file: docker, args: ['push', validateImageRef(ref)], env: {} };
}

/**
 * `docker login` for the registry's host. The password is never an argument: pass it as the command's
 * `input` (`run({ ...loginArgv(registry, user), input: password })`), which also redacts it.
 */
export function loginArgv(registry: string, user: string, docker = 'docker'): DockerInvocation {
  if (user.trim() === '' || /\s/.test(user)) throw new Error(`registry user "${user}" is not allowed; it must be non-empty and without spaces`);
  return { file: docker, args: ['login', registryHost(registry), '--username', user, '--password-stdin'], env: {} };
}
