import { isAbsolute, join } from 'node:path';
import { type ExecutorContext, logger, parseTargetString, runExecutor } from '@nx/devkit';
import { loadReleaseManifest, releasedImageRef } from '@satvach/ci';
import { run } from '@satvach/exec';
import { deploy, type DeployConfig, type DeployDeps, DeployError, DockerHost, loadDeployConfig, type Strategy } from '@satvach/deploy';
import { nxLogger, reportFailure } from '../executor-context.ts';

export interface DeployTargetOptions {
  /** The deploy configuration, relative to the workspace root. */
  config: string;
  docker?: string;
  breakStaleLock?: boolean;
}

export interface DeployOptions extends DeployTargetOptions {
  strategy: Strategy;
  image?: string;
  /** A release manifest from CD (libs/ci); the image is `<image>@<digest>` of this project. */
  manifest?: string;
  release?: string;
  dryRun?: boolean;
  backup?: boolean;
}

export const DEPLOY_DEFAULTS = { config: 'docker/deploy/backend.deploy.json', strategy: 'blue-green', dryRun: false, backup: false, breakStaleLock: false } as const;
export const DEPLOY_TARGET_DEFAULTS = { config: DEPLOY_DEFAULTS.config, breakStaleLock: false } as const;

const fromRoot = (context: ExecutorContext, path: string) => (isAbsolute(path) ? path : join(context.root, path));

/** The configuration and the engine, as every deploy executor needs them. */
export function deployDeps(options: DeployTargetOptions, context: ExecutorContext): { config: DeployConfig; deps: DeployDeps } {
  const config = loadDeployConfig(fromRoot(context, options.config ?? DEPLOY_DEFAULTS.config), context.root);
  const docker = new DockerHost(run, options.docker ?? process.env.SATVACH_DOCKER_CLIENT ?? 'docker');
  const backup = async () => {
    const target = parseTargetString(config.backupTarget, context);
    for await (const result of await runExecutor(target, {}, context)) {
      if (!result.success) throw new DeployError(`the pre-deploy backup (${config.backupTarget}) failed; nothing was deployed`);
    }
  };
  return { config, deps: { docker, log: nxLogger, backup } };
}

/** `--image`, or this project's `<image>@<digest>` from a CD release manifest. */
export function imageOf(options: DeployOptions, context: ExecutorContext): string | undefined {
  if (options.image !== undefined) return options.image;
  if (options.manifest === undefined) throw new DeployError('say what to deploy: --image=<ref or digest> or --manifest=<release manifest>');
  return releasedImageRef(loadReleaseManifest(fromRoot(context, options.manifest)), context.projectName ?? '');
}

/** promote and rollback: load, run under the lock, report. */
export function lockedCommandExecutor(name: string, command: (config: DeployConfig, deps: DeployDeps, options: { breakStaleLock: boolean }) => Promise<unknown>) {
  return async (options: DeployTargetOptions, context: ExecutorContext) => {
    try {
      const { config, deps } = deployDeps(options, context);
      await command(config, deps, { breakStaleLock: options.breakStaleLock ?? DEPLOY_TARGET_DEFAULTS.breakStaleLock });
      return { success: true };
    } catch (error) {
      return reportFailure(name, error);
    }
  };
}

export default async function deployExecutor(options: DeployOptions, context: ExecutorContext) {
  try {
    const image = imageOf(options, context);
    if (image === undefined) {
      logger.info(`${context.projectName} is not in the release ${options.manifest}: its image did not change, nothing to deploy`);
      return { success: true };
    }
    const { config, deps } = deployDeps(options, context);
    const result = await deploy(
      config,
      {
        strategy: options.strategy ?? DEPLOY_DEFAULTS.strategy,
        image,
        ...(options.release === undefined ? {} : { release: options.release }),
        dryRun: options.dryRun ?? DEPLOY_DEFAULTS.dryRun,
        backup: options.backup ?? DEPLOY_DEFAULTS.backup,
        breakStaleLock: options.breakStaleLock ?? DEPLOY_DEFAULTS.breakStaleLock,
      },
      deps,
    );
    // A canary that was rolled back is a failed deploy, even though production is fine.
    return { success: result.outcome !== 'rolled-back' };
  } catch (error) {
    return reportFailure('deploy', error);
  }
}
