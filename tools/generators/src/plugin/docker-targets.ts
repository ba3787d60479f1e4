import { type TargetConfiguration } from '@nx/devkit';

export const PLUGIN_NAME = '@satvach/nx-platform';
export const DEFAULT_REGISTRY = 'ghcr.io/satvach';

export interface DockerTargetOptions {
  /** Registry and namespace images go to when nothing more specific is set. */
  registry?: string;
}

/**
 * The image targets a project's Dockerfile implies. Building is never cached by Nx: Docker's layer
 * cache already makes an unchanged rebuild take seconds, and an Nx cache hit cannot prove the image
 * still exists in the engine.
 */
export function inferDockerTargets(options: DockerTargetOptions): Record<string, TargetConfiguration> {
  return {
    'docker-build': {
      executor: `${PLUGIN_NAME}:docker-build`,
      options: { defaultRegistry: options.registry ?? DEFAULT_REGISTRY },
      cache: false,
      outputs: ['{workspaceRoot}/dist/images/{projectName}.json'],
      metadata: {
        description: 'Builds the container image (tags from git, OCI labels) and writes dist/images/<project>.json.',
        technologies: ['docker'],
      },
    },
    'docker-push': {
      executor: `${PLUGIN_NAME}:docker-push`,
      dependsOn: ['docker-build'],
      cache: false,
      outputs: ['{workspaceRoot}/dist/images/{projectName}.json'],
      metadata: {
        description: 'Pushes every tag of the freshly built image and records the pushed digest.',
        technologies: ['docker'],
      },
    },
  };
}
