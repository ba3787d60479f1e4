import { type Command } from '@satvach/exec';

/**
 * How the runbooks e2e test proves the programs of CONTAINER_PROGRAMS are in the images: one
 * throwaway container per image, which prints `missing <prog>` for each program not on its PATH.
 */
export function imageProbeCommand(docker: string, image: string, programs: readonly string[]): Command {
  return {
    file: docker,
    args: ['run', '--rm', '--network', 'host', '--entrypoint', 'sh', image, '-c', 'for p in "$@"; do command -v "$p" >/dev/null || echo "missing $p"; done', 'probe', ...programs],
  };
}

/** The programs a probe's output reports missing. */
export const missingPrograms = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('missing '))
    .map((line) => line.slice('missing '.length));

/** `docker images --format '{{.Repository}}:{{.Tag}}'` output (newest first) → the newest image of a repository, in any registry or namespace. */
export function newestImageOf(listing: string, repository: string): string | undefined {
  return listing
    .split('\n')
    .map((line) => line.trim())
    .find((ref) => {
      const name = ref.slice(0, ref.lastIndexOf(':'));
      return !ref.endsWith(':<none>') && (name === repository || name.endsWith(`/${repository}`));
    });
}

/** The host probe: `command -v` for each program, in the shell the on-call engineer's commands run in. */
export function hostProbeCommand(programs: readonly string[]): Command {
  return { file: 'sh', args: ['-c', 'for p in "$@"; do command -v "$p" >/dev/null || echo "missing $p"; done', 'probe', ...programs] };
}
