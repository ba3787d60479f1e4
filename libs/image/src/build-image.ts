import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Logger, type RunFn } from '@satvach/exec';
import { type GitContext } from '@satvach/git-context';
import { type BuildEngine, type BuildSpec, buildArgv } from './argv.ts';
import { detectEngine, ensureEngineReachable } from './engine.ts';
import { imageLabels } from './labels.ts';
import { type ImageManifest, writeImageManifest } from './manifest.ts';
import { imageTags } from './tags.ts';

/** What a build needs beyond the engine-level spec: paths are relative to the workspace root here. */
export interface BuildImageRequest extends Pick<BuildSpec, 'dockerfile' | 'context' | 'buildArgs' | 'target' | 'network' | 'secrets' | 'cacheFrom' | 'cacheTo' | 'docker'> {
  readonly workspaceRoot: string;
  readonly project: string;
  /** Repository name inside the registry; normally the project name. */
  readonly imageName: string;
  /** Registry and namespace, already resolved (see registryFromEnv). */
  readonly registry: string;
  readonly git: GitContext;
  /** Forces an engine instead of detecting one. */
  readonly engine?: BuildEngine;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Checks what a build needs before anything runs, with errors that say what to fix. */
function checkInputs(request: BuildImageRequest): void {
  const dockerfile = resolve(request.workspaceRoot, request.dockerfile);
  if (!existsSync(dockerfile)) {
    throw new Error(`no Dockerfile at ${request.dockerfile} for project ${request.project}; add one or set the dockerfile option`);
  }
  if (!existsSync(resolve(request.workspaceRoot, request.context))) {
    throw new Error(`the build context ${request.context} of project ${request.project} does not exist; fix the context option`);
  }
  for (const secret of request.secrets ?? []) {
    if (!existsSync(resolve(request.workspaceRoot, secret.src))) {
      throw new Error(`build secret "${secret.id}" points at ${secret.src}, which does not exist`);
    }
  }
}

/**
 * Builds one image: engine check and choice, tags and labels from git, the build streamed live, then
 * the manifest `dist/images/<project>.json` written from the image ID docker reports (never from a
 * cache). Returns the manifest.
 */
export async function buildImage(request: BuildImageRequest, run: RunFn, events: Logger): Promise<ImageManifest> {
  checkInputs(request);
  const docker = request.docker ?? 'docker';
  await ensureEngineReachable(run, request.env, { docker });
  const engine = request.engine ?? (await detectEngine(run, { docker }));
  if (engine === 'classic') {
    events.warn('BuildKit is not available to this docker client: using the classic builder (no cache mounts, no build secrets)');
  }

  const tags = imageTags({ registry: request.registry, imageName: request.imageName, git: request.git });
  const workDir = await mkdtemp(join(tmpdir(), 'satvach-build-'));
  const iidFile = join(workDir, 'iid');
  try {
    const invocation = buildArgv(
      {
        docker,
        dockerfile: resolve(request.workspaceRoot, request.dockerfile),
        context: resolve(request.workspaceRoot, request.context),
        tags: tags.map((tag) => tag.ref),
        labels: imageLabels({ title: request.imageName, git: request.git }),
        buildArgs: request.buildArgs,
        target: request.target,
        network: request.network,
        secrets: request.secrets?.map((secret) => ({ id: secret.id, src: resolve(request.workspaceRoot, secret.src) })),
        cacheFrom: request.cacheFrom,
        cacheTo: request.cacheTo,
        iidFile,
      },
      engine,
    );
    for (const warning of invocation.warnings) events.warn(warning);
    events.info(`building ${request.project} with ${engine}: ${tags.map((tag) => tag.ref).join(', ')}`);

    const started = Date.now();
    await run({ file: invocation.file, args: invocation.args, env: invocation.env });
    const imageId = (await readFile(iidFile, 'utf8')).trim();

    const manifest: ImageManifest = {
      project: request.project,
      image: `${request.registry}/${request.imageName}`,
      tags: tags.map((tag) => tag.tag),
      imageId,
      durationMs: Date.now() - started,
      builtAt: new Date().toISOString(),
      gitSha: request.git.sha,
    };
    const path = await writeImageManifest(request.workspaceRoot, manifest);
    events.info(`built ${imageId} in ${(manifest.durationMs / 1000).toFixed(1)} s; manifest ${path}`);
    return manifest;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
