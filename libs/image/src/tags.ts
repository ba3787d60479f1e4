import { type GitContext } from '@satvach/git-context';
import { InvalidReferenceError, validateImageRef, validateRegistry, validateRepository } from './reference.ts';

/** The git facts tags are computed from; a `GitContext` fits. */
export type TagGitFacts = Pick<GitContext, 'shortSha' | 'branch' | 'tags' | 'defaultBranch'> & {
  readonly pullRequest?: number | null;
};

export interface ImageTagsInput {
  /** Registry and namespace, e.g. `ghcr.io/acme` or `127.0.0.1:5000/satvach`. */
  readonly registry: string;
  /** The image's own name, normally the Nx project name. */
  readonly imageName: string;
  readonly git: TagGitFacts;
  /** Defaults to whether `git.pullRequest` is set. */
  readonly isPullRequest?: boolean;
  /** Defaults to `git.pullRequest`. */
  readonly prNumber?: number;
}

export type TagReason = 'sha' | 'branch' | 'pull-request' | 'semver' | 'latest';

export interface ImageTag {
  /** `sha-0123abc` */
  readonly tag: string;
  /** `ghcr.io/acme/backend:sha-0123abc` */
  readonly ref: string;
  readonly reason: TagReason;
}

const MAX_TAG_LENGTH = 128;
/** Tags that mean something else; a branch with such a name gets a `branch-` prefix. */
const RESERVED_TAGS = new Set(['latest']);
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

function trimSeparators(value: string): string {
  return value.replace(/^[-.]+/, '').replace(/[-.]+$/, '');
}

/**
 * A branch name as a tag: lowercase; anything but [a-z0-9._-] becomes '-'; runs of '-' collapse;
 * no leading/trailing '-' or '.'; at most 128 characters. Empty when nothing is left.
 */
export function sanitizeBranch(branch: string): string {
  const cleaned = trimSeparators(branch.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/-{2,}/g, '-'));
  return trimSeparators(cleaned.slice(0, MAX_TAG_LENGTH));
}

/**
 * Version tags from `v*` git tags: `v1.2.3` → `1.2.3`, `1.2`, `1`; a prerelease `v1.2.3-rc.1` → only
 * `1.2.3-rc.1` (a release candidate must not move `1.2`). For `v0.x.y` there is no bare `0`: a major
 * version 0 promises no compatibility, so a floating `0` tag would be a trap. Build metadata (`+…`) is
 * dropped: `+` is not allowed in a tag.
 */
export function semverTags(gitTags: readonly string[]): string[] {
  const result: string[] = [];
  for (const gitTag of gitTags) {
    const match = SEMVER.exec(gitTag);
    if (match === null) continue;
    const [, major = '', minor = '', patch = '', prerelease] = match;
    if (prerelease !== undefined) {
      result.push(`${major}.${minor}.${patch}-${prerelease}`);
    } else {
      result.push(`${major}.${minor}.${patch}`, `${major}.${minor}`);
      if (major !== '0') result.push(major);
    }
  }
  return result;
}

/**
 * All tags of one image build, in order: `sha-<short>`; the branch (or `pr-<n>` for a pull request;
 * none for a detached HEAD); versions from `v*` tags at HEAD; `latest` only on the default branch and
 * never for a pull request. Throws `InvalidReferenceError` naming the bad value when the registry, the
 * image name or a resulting reference breaks the Docker reference grammar.
 */
export function imageTags(input: ImageTagsInput): ImageTag[] {
  const registry = validateRegistry(input.registry);
  const repository = validateRepository(`${registry}/${input.imageName}`);
  const { git } = input;
  if (!/^[0-9a-f]{7,}$/.test(git.shortSha)) {
    throw new InvalidReferenceError(`short sha "${git.shortSha}" is not a git sha; expected at least 7 lowercase hex digits`);
  }
  const prNumber = input.prNumber ?? git.pullRequest ?? undefined;
  const isPullRequest = input.isPullRequest ?? prNumber !== undefined;

  const wanted: { tag: string; reason: TagReason }[] = [{ tag: `sha-${git.shortSha}`, reason: 'sha' }];
  if (isPullRequest) {
    if (prNumber === undefined || !Number.isInteger(prNumber) || prNumber <= 0) {
      throw new InvalidReferenceError(`a pull request build needs prNumber, a positive integer; got ${String(prNumber)}`);
    }
    wanted.push({ tag: `pr-${prNumber}`, reason: 'pull-request' });
  } else if (git.branch !== null) {
    const tag = sanitizeBranch(git.branch);
    if (tag !== '') wanted.push({ tag: RESERVED_TAGS.has(tag) ? `branch-${tag}` : tag, reason: 'branch' });
  }
  for (const tag of semverTags(git.tags)) wanted.push({ tag, reason: 'semver' });
  if (!isPullRequest && git.branch !== null && git.branch === git.defaultBranch) wanted.push({ tag: 'latest', reason: 'latest' });

  const seen = new Set<string>();
  const result: ImageTag[] = [];
  for (const { tag, reason } of wanted) {
    if (seen.has(tag)) continue;
    seen.add(tag);
    result.push({ tag, ref: validateImageRef(`${repository}:${tag}`), reason });
  }
  return result;
}
