import { type RunFn } from '@satvach/exec';

/** `docker compose` (v2, the plugin) or `docker-compose` (1.29, the Python one). */
export type ComposeFlavor = 'v2' | 'v1';

export interface ComposeProject {
  flavor: ComposeFlavor;
  /** The docker client, for the v2 plugin. */
  docker: string;
  /** Compose files in order (base first). */
  files: readonly string[];
  /** `-p`: 1.29 rejects a top-level `name:`, so the name always comes from here. */
  projectName: string;
  profiles?: readonly string[];
}

export interface Invocation {
  file: string;
  args: string[];
}

/** Any compose subcommand for the project, as data. */
export function composeArgv(project: ComposeProject, ...subcommand: string[]): Invocation {
  const global = [
    '-p',
    project.projectName,
    ...project.files.flatMap((file) => ['-f', file]),
    ...(project.profiles ?? []).flatMap((profile) => ['--profile', profile]),
  ];
  return project.flavor === 'v2'
    ? { file: project.docker, args: ['compose', ...global, ...subcommand] }
    : { file: 'docker-compose', args: [...global, ...subcommand] };
}

/** Prefers the v2 plugin; falls back to docker-compose 1.29; neither → an error saying what to install. */
export async function detectComposeFlavor(run: RunFn, docker: string): Promise<ComposeFlavor> {
  const works = (file: string, args: string[]) => run({ file, args }, { quiet: true }).then(() => true, () => false);
  if (await works(docker, ['compose', 'version'])) return 'v2';
  if (await works('docker-compose', ['version', '--short'])) return 'v1';
  throw new Error('neither `docker compose` (v2) nor `docker-compose` is installed; install the compose plugin (or docker-compose)');
}
