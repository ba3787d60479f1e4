import { resolve } from 'node:path';
import { type ExecutorContext } from '@nx/devkit';
import { run } from '@satvach/exec';
import { stackDown } from '@satvach/compose';
import { reportFailure } from '../executor-context.ts';

export const COMPOSE_DOWN_DEFAULTS = { projectName: 'satvach', stateDir: '.local/stack', removeVolumes: false } as const;

export interface ComposeDownOptions {
  projectName?: string;
  stateDir?: string;
  removeVolumes?: boolean;
  docker?: string;
}

export default async function composeDown(options: ComposeDownOptions, context: ExecutorContext) {
  const projectName = options.projectName ?? COMPOSE_DOWN_DEFAULTS.projectName;
  try {
    await stackDown(
      {
        projectName,
        stateDir: resolve(context.root, options.stateDir ?? COMPOSE_DOWN_DEFAULTS.stateDir),
        docker: options.docker ?? process.env.SATVACH_DOCKER_CLIENT ?? 'docker',
        removeVolumes: options.removeVolumes ?? COMPOSE_DOWN_DEFAULTS.removeVolumes,
      },
      run,
    );
    return { success: true };
  } catch (error) {
    return reportFailure(`compose-down ${projectName}`, error);
  }
}
