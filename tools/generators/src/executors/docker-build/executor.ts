import { type ExecutorContext, logger } from '@nx/devkit';
import { run } from '@satvach/exec';
import { gitEnvFromProcess, readGitContext } from '@satvach/git-context';
import { type BuildEngine, buildImage, registryFromEnv } from '@satvach/image';
import { DEFAULT_REGISTRY } from '../../plugin/docker-targets.ts';
import { nxLogger, projectRootOf, reportFailure } from '../executor-context.ts';

export const DOCKER_BUILD_DEFAULTS = { defaultRegistry: DEFAULT_REGISTRY } as const;

export interface DockerBuildOptions {
  dockerfile?: string;
  context?: string;
  imageName?: string;
  registry?: string;
  defaultRegistry?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  network?: string;
  secrets?: Record<string, string>;
  cacheFrom?: string[];
  cacheTo?: string[];
  engine?: BuildEngine;
  docker?: string;
}

export default async function dockerBuild(options: DockerBuildOptions, context: ExecutorContext) {
  const project = context.projectName ?? '';
  try {
    const projectRoot = projectRootOf(context);
    const { registry, source } = registryFromEnv(process.env, options.defaultRegistry ?? DOCKER_BUILD_DEFAULTS.defaultRegistry, options.registry);
    logger.info(`registry ${registry} (from ${source})`);
    const git = await readGitContext(context.root, run, { env: gitEnvFromProcess() });
    await buildImage(
      {
        workspaceRoot: context.root,
        project,
        imageName: options.imageName ?? project,
        registry,
        dockerfile: options.dockerfile ?? `${projectRoot}/Dockerfile`,
        context: options.context ?? projectRoot,
        git,
        buildArgs: options.buildArgs,
        target: options.target,
        network: options.network,
        secrets: Object.entries(options.secrets ?? {}).map(([id, src]) => ({ id, src })),
        cacheFrom: options.cacheFrom,
        cacheTo: options.cacheTo,
        engine: options.engine,
        docker: options.docker ?? process.env.SATVACH_DOCKER_CLIENT,
        env: process.env,
      },
      run,
      nxLogger,
    );
    return { success: true };
  } catch (error) {
    return reportFailure(`docker-build ${project}`, error);
  }
}
