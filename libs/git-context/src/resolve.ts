import { type GitFacts } from './parse.ts';
import { isFullGitSha } from './sha.ts';

export interface GitContext {
  readonly sha: string;
  /** The first 7 characters of `sha`. */
  readonly shortSha: string;
  /** null when HEAD is detached and no CI variable names the branch. */
  readonly branch: string | null;
  /** Tags pointing at HEAD (plus the CI tag being built). */
  readonly tags: readonly string[];
  readonly defaultBranch: string;
  /** The pull request number when CI builds a pull request, else null. */
  readonly pullRequest: number | null;
  readonly isDirty: boolean;
  /** `origin`'s fetch URL without credentials, null when there is no `origin`. */
  readonly remoteUrl: string | null;
  /** Committer date of HEAD, ISO 8601 in UTC. */
  readonly commitTime: string;
}

/** The CI variables that change the answer. Passed explicitly: nothing here reads `process.env`. */
export interface GitEnv {
  readonly GITHUB_SHA?: string;
  readonly GITHUB_REF?: string;
  readonly GITHUB_REF_NAME?: string;
  readonly GITHUB_REF_TYPE?: string;
  readonly GITHUB_HEAD_REF?: string;
}

export const GIT_ENV_KEYS = ['GITHUB_SHA', 'GITHUB_REF', 'GITHUB_REF_NAME', 'GITHUB_REF_TYPE', 'GITHUB_HEAD_REF'] as const;

export interface ResolveOptions {
  /** Wins over `origin/HEAD`; without both, the default branch is `main`. */
  readonly defaultBranch?: string;
}

export const FALLBACK_DEFAULT_BRANCH = 'main';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function pullRequestNumber(env: GitEnv): number | null {
  const match = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '') ?? /^(\d+)\/merge$/.exec(env.GITHUB_REF_NAME ?? '');
  return match?.[1] === undefined ? null : Number(match[1]);
}

/**
 * Combines what the checkout says with what the CI runner says. CI checkouts are usually detached
 * at the commit being built, so the runner's variables name the branch:
 * - `GITHUB_SHA` (when a full sha) replaces HEAD's sha;
 * - on pull requests `GITHUB_HEAD_REF` is the source branch, and the number comes from `GITHUB_REF`
 *   (`refs/pull/<n>/merge`);
 * - otherwise `GITHUB_REF_TYPE=branch` + `GITHUB_REF_NAME` is the branch;
 * - `GITHUB_REF_TYPE=tag` + `GITHUB_REF_NAME` adds that tag to the tags at HEAD.
 */
export function resolveRef(facts: GitFacts, env: GitEnv = {}, options: ResolveOptions = {}): GitContext {
  const envSha = nonEmpty(env.GITHUB_SHA)?.toLowerCase();
  const sha = envSha !== undefined && isFullGitSha(envSha) ? envSha : facts.sha;
  const refName = nonEmpty(env.GITHUB_REF_NAME);
  const headRef = nonEmpty(env.GITHUB_HEAD_REF);
  const refType = nonEmpty(env.GITHUB_REF_TYPE);

  let branch = facts.branch;
  let pullRequest: number | null = null;
  if (headRef !== undefined) {
    branch = headRef;
    pullRequest = pullRequestNumber(env);
  } else if (refType === 'branch' && refName !== undefined) {
    branch = refName;
  }

  const tags = [...facts.tags];
  if (refType === 'tag' && refName !== undefined && !tags.includes(refName)) tags.push(refName);

  return {
    sha,
    shortSha: sha.slice(0, 7),
    branch,
    tags,
    defaultBranch: nonEmpty(options.defaultBranch) ?? facts.originHead ?? FALLBACK_DEFAULT_BRANCH,
    pullRequest,
    isDirty: facts.isDirty,
    remoteUrl: facts.remoteUrl,
    commitTime: facts.commitTime,
  };
}
