import { type ExecutorContext, logger } from '@nx/devkit';
import { status } from '@satvach/deploy';
import { deployDeps, type DeployTargetOptions } from '../deploy/executor.ts';
import { reportFailure } from '../executor-context.ts';

export const DEPLOY_STATUS_DEFAULTS = { config: 'docker/deploy/backend.deploy.json' } as const;

/** Fails when what runs disagrees with the state record, so it can gate scripts and alerts. */
export default async function deployStatusExecutor(options: Omit<DeployTargetOptions, 'breakStaleLock'>, context: ExecutorContext) {
  try {
    const { config, deps } = deployDeps(options, context);
    const report = await status(config, deps);
    for (const line of report.lines) logger.info(line);
    for (const problem of report.problems) logger.error(`problem: ${problem}`);
    return { success: report.problems.length === 0 };
  } catch (error) {
    return reportFailure('deploy-status', error);
  }
}
