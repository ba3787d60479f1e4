import { type TargetConfiguration } from '@nx/devkit';

/** @nx/vite already infers `typecheck` wherever a Vite config sits beside the tsconfig. */
export const VITE_CONFIG_FILES = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'] as const;

/** The typecheck target a project's tsconfig.json implies. */
export function inferTypecheckTarget(projectRoot: string): Record<string, TargetConfiguration> {
  return {
    typecheck: {
      command: 'tsc --noEmit -p tsconfig.json',
      options: { cwd: projectRoot },
      cache: true,
      inputs: ['default', '^production', { externalDependencies: ['typescript'] }],
      metadata: { description: 'Type-checks the project with tsc.', technologies: ['typescript'] },
    },
  };
}
