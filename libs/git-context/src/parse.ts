import { isFullGitSha } from './sha.ts';
/** What the checkout says, before CI overrides. */
export interface GitFacts {
  readonly sha: string;
  readonly branch: string | null;
  readonly tags: readonly string[];
  /** The branch `refs/remotes/origin/HEAD` points at, or null when the clone has no such ref. */
  readonly originHead: string | null;
  readonly isDirty: boolean;
  readonly remoteUrl: string | null;
  readonly commitTime: string;
}

/** Raw stdout of the git commands `readGitContext` runs, one field per command. */
export interface GitOutputs {
  /** `git show -s --format=%H%n%cI HEAD` */
  readonly head: string;
  /** `git rev-parse --abbrev-ref HEAD` ("HEAD" when detached) */
  readonly abbrevRef: string;
  /** `git tag --points-at HEAD` */
  readonly tags: string;
  /** `git for-each-ref --format=%(symref) refs/remotes/origin/HEAD` */
  readonly originHead: string;
  /** `git status --porcelain` */
  readonly status: string;
  /** `git remote -v` */
  readonly remotes: string;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * Removes credentials from a remote URL: `https://user:token@host/x` → `https://host/x` (an https user
 * name is often a token itself); `ssh://git:pw@host/x` keeps the user, drops the password. scp-like
 * `git@host:x` has no credential and is kept.
 */
export function stripCredentials(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@(.*)$/i.exec(url);
  if (match === null) return url;
  const [, scheme = '', userInfo = '', rest = ''] = match;
  if (/^ssh:|^git\+ssh:/i.test(scheme)) {
    const user = userInfo.split(':')[0] ?? '';
    return user === '' ? `${scheme}${rest}` : `${scheme}${user}@${rest}`;
  }
  return `${scheme}${rest}`;
}

function parseOriginUrl(remotes: string): string | null {
  for (const line of lines(remotes)) {
    const [name, url, kind] = line.split(/\s+/);
    if (name === 'origin' && url !== undefined && kind === '(fetch)') return url;
  }
  return null;
}

export function parseGitOutputs(outputs: GitOutputs): GitFacts {
  const [sha = '', commitTime = ''] = lines(outputs.head);
  if (!isFullGitSha(sha)) throw new Error(`unexpected output of "git show -s --format=%H%n%cI HEAD": ${JSON.stringify(outputs.head)}`);
  const abbrevRef = outputs.abbrevRef.trim();
  const originHeadRef = outputs.originHead.trim();
  const originUrl = parseOriginUrl(outputs.remotes);
  const time = new Date(commitTime);
  if (Number.isNaN(time.getTime())) throw new Error(`unexpected commit time from git: ${JSON.stringify(commitTime)}`);
  return {
    sha,
    branch: abbrevRef === 'HEAD' || abbrevRef === '' ? null : abbrevRef,
    tags: lines(outputs.tags),
    originHead: originHeadRef.startsWith('refs/remotes/origin/') ? originHeadRef.slice('refs/remotes/origin/'.length) : null,
    isDirty: lines(outputs.status).length > 0,
    remoteUrl: originUrl === null ? null : stripCredentials(originUrl),
    commitTime: time.toISOString(),
  };
}
