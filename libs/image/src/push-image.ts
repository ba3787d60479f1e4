import { type Logger, type RunFn, secret, withRetry } from '@satvach/exec';
import { loginArgv, pushArgv } from './argv.ts';
import { type ImageManifest, readImageManifest, writeImageManifest, imageManifestPath } from './manifest.ts';
import { registryHost } from './reference.ts';
import { isTransientRegistryError } from './retry.ts';

export interface RegistryCredentials {
  readonly user: string;
  readonly password: string;
  /** Which variables they came from, for the log line. */
  readonly source: string;
}

/**
 * Credentials for a registry from the environment: GHCR takes GITHUB_ACTOR + GITHUB_TOKEN (what
 * GitHub Actions provides); any registry takes REGISTRY_USER + REGISTRY_PASSWORD, which win when set.
 */
export function registryCredentials(
  registry: string,
  env: Readonly<Record<string, string | undefined>>,
): RegistryCredentials | undefined {
  if (env.REGISTRY_USER && env.REGISTRY_PASSWORD) {
    return { user: env.REGISTRY_USER, password: env.REGISTRY_PASSWORD, source: 'REGISTRY_USER/REGISTRY_PASSWORD' };
  }
  if (registryHost(registry) === 'ghcr.io' && env.GITHUB_ACTOR && env.GITHUB_TOKEN) {
    return { user: env.GITHUB_ACTOR, password: env.GITHUB_TOKEN, source: 'GITHUB_ACTOR/GITHUB_TOKEN' };
  }
  return undefined;
}

/** `docker push` ends with `<tag>: digest: sha256:… size: N`. */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}

export interface PushImageRequest {
  readonly workspaceRoot: string;
  readonly project: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dryRun?: boolean;
  readonly attempts?: number;
  readonly docker?: string;
  /** Injectable for tests; defaults to real sleeping. */
  readonly delay?: (ms: number) => Promise<void>;
}

/**
 * Pushes every tag of the image the manifest names, retrying transient registry failures, and
 * records the pushed digests in the manifest only after every tag went through: a failure leaves
 * the manifest without a digest, so nothing half-pushed is reported as pushed.
 */
export async function pushImage(request: PushImageRequest, run: RunFn, events: Logger): Promise<ImageManifest> {
  const file = imageManifestPath(request.workspaceRoot, request.project);
  const built = await readImageManifest(file).catch((error: Error) => {
    throw new Error(`${error.message}; run docker-build for ${request.project} first`);
  });
  const docker = request.docker ?? 'docker';
  const refs = built.tags.map((tag) => `${built.image}:${tag}`);

  if (request.dryRun) {
    events.info(`dry run: would push ${built.imageId} as\n${refs.map((ref) => `  ${ref}`).join('\n')}`);
    return built;
  }

  // The tags must still name the image this manifest describes; anything else would push a stranger.
  const inspect = await run({ file: docker, args: ['image', 'inspect', '--format', '{{.Id}}', refs[0] ?? built.image] }, { quiet: true }).catch(() => undefined);
  if (inspect?.stdout.trim() !== built.imageId) {
    throw new Error(`image ${refs[0]} (${built.imageId}) is no longer in the local engine; run docker-build for ${request.project} again`);
  }

  const credentials = registryCredentials(built.image, request.env);
  if (credentials) {
    const login = loginArgv(built.image, credentials.user, docker);
    events.info(`logging in to ${registryHost(built.image)} as ${credentials.user} (${credentials.source})`);
    await run({ ...login, input: secret(credentials.password) }, { quiet: true });
  }

  const pushed: { ref: string; digest: string }[] = [];
  for (const ref of refs) {
    const invocation = pushArgv(ref, docker);
    const result = await withRetry(() => run(invocation), {
      attempts: request.attempts ?? 3,
      baseDelayMs: 1000,
      maxDelayMs: 10_000,
      isTransient: isTransientRegistryError,
      delay: request.delay,
      onRetry: ({ attempt, delayMs }) => events.warn(`push of ${ref} failed (attempt ${attempt}); retrying in ${delayMs} ms`),
    });
    const digest = pushedDigest(result.stdout);
    if (!digest) throw new Error(`docker push ${ref} finished without reporting a digest; nothing recorded as pushed`);
    pushed.push({ ref, digest });
  }

  const manifest: ImageManifest = { ...built, digest: pushed[0]?.digest, pushed };
  await writeImageManifest(request.workspaceRoot, manifest);
  events.info(`pushed ${pushed.length} tag(s) of ${built.image} at ${manifest.digest}`);
  return manifest;
}
