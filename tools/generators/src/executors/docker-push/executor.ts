import { type ExecutorContext } from '@nx/devkit';
import { run } from '@satvach/exec';
import { pushImage } from '@satvach/image';
import { nxLogger, reportFailure } from '../executor-context.ts';

export const DOCKER_PUSH_DEFAULTS = { dryRun: false, attempts: 3 } as const;

export interface DockerPushOptions {
  dryRun?: boolean;
  attempts?: number;
  docker?: string;
}

export default async function dockerPush(options: DockerPushOptions, context: ExecutorContext) {
  const project = context.projectName ?? '';
  try {
    await pushImage(
      {
        workspaceRoot: context.root,
        project,
        env: process.env,
        dryRun: options.dryRun ?? DOCKER_PUSH_DEFAULTS.dryRun,
        attempts: options.attempts ?? DOCKER_PUSH_DEFAULTS.attempts,
        docker: options.docker ?? process.env.SATVACH_DOCKER_CLIENT,
      },
      run,
      nxLogger,
    );
    return { success: true };
  } catch (error) {
    return reportFailure(`docker-push ${project}`, error);
  }
}
