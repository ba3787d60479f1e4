import { type ExecutorContext } from '@nx/devkit';
import { promote } from '@satvach/deploy';
import { DEPLOY_TARGET_DEFAULTS, deployDeps, type DeployTargetOptions } from '../deploy/executor.ts';
import { reportFailure } from '../executor-context.ts';

export default async function promoteExecutor(options: DeployTargetOptions, context: ExecutorContext) {
  try {
    const { config, deps } = deployDeps(options, context);
    await promote(config, deps, { breakStaleLock: options.breakStaleLock ?? DEPLOY_TARGET_DEFAULTS.breakStaleLock });
    return { success: true };
  } catch (error) {
    return reportFailure('promote', error);
  }
}
