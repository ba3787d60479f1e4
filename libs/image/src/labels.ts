import { type GitContext } from '@satvach/git-context';
import { semverTags } from './tags.ts';

export interface ImageLabelsInput {
  /** The image's title, normally the project name. */
  readonly title: string;
  readonly git: Pick<GitContext, 'sha' | 'shortSha' | 'tags' | 'remoteUrl' | 'commitTime'>;
  /** Defaults to the version of a `v*` tag at HEAD, else `sha-<short>`. */
  readonly version?: string;
  /**
   * Defaults to the commit time, not the clock: labels are part of the image config, so a clock time
   * would give every rebuild of the same commit a new image ID and defeat layer/cache reuse.
   */
  readonly created?: string;
}

/**
 * The web address of a remote, for `org.opencontainers.image.source` (GHCR links the package to the
 * repository from it): `git@github.com:acme/x.git` and `ssh://git@github.com/acme/x.git` become
 * `https://github.com/acme/x`. Anything else is kept, without `.git`.
 */
export function sourceUrl(remoteUrl: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(remoteUrl);
  const ssh = /^(?:git\+)?ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(remoteUrl);
  const match = scp ?? ssh;
  const url = match === null ? remoteUrl : `https://${match[1]}/${match[2]}`;
  return url.replace(/\.git$/, '');
}

/** OCI annotations as image labels: source, revision, created, version, title. */
export function imageLabels(input: ImageLabelsInput): Record<string, string> {
  const { git } = input;
  const version = input.version ?? semverTags(git.tags)[0] ?? `sha-${git.shortSha}`;
  return {
    ...(git.remoteUrl === null ? {} : { 'org.opencontainers.image.source': sourceUrl(git.remoteUrl) }),
    'org.opencontainers.image.revision': git.sha,
    'org.opencontainers.image.created': input.created ?? git.commitTime,
    'org.opencontainers.image.version': version,
    'org.opencontainers.image.title': input.title,
  };
}
