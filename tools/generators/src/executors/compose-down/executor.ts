import { resolve } from 'node:path';
import { type ExecutorContext } from '@nx/devkit';
import { run } from '@satvach/exec';
import { stackDown } from '@satvach/compose';
import { reportFailure } from '../executor-context.ts';

export interface ComposeDownOptions {
  projectName: string;
  stateDir: string;
  removeVolumes?: boolean;
  docker?: string;
}

export default async function composeDown(options: ComposeDownOptions, context: ExecutorContext) {
  try {
    await stackDown(
      {
        projectName: options.projectName,
        stateDir: resolve(context.root, options.stateDir),
        docker: options.docker ?? process.env.SATVACH_DOCKER_CLIENT ?? 'docker',
        removeVolumes: options.removeVolumes ?? false,
      },
      run,
    );
    return { success: true };
  } catch (error) {
    return reportFailure(`compose-down ${options.projectName}`, error);
  }
}
