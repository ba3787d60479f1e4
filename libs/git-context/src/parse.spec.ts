import { describe, expect, it } from 'vitest';
import { parseGitOutputs, stripCredentials, type GitFacts, type GitOutputs } from './parse.ts';
import { resolveRef } from './resolve.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const attached: GitOutputs = {
  head: `${SHA}\n2024-05-06T09:08:09+02:00\n`,
  abbrevRef: 'feature/login\n',
  tags: 'v1.2.3\nrelease-candidate\n',
  originHead: 'refs/remotes/origin/trunk\n',
  status: ' M src/app.ts\n?? notes.txt\n',
  remotes: 'origin\thttps://bot:ghp_secret@github.com/acme/satvach.git (fetch)\norigin\thttps://bot:ghp_secret@github.com/acme/satvach.git (push)\n',
};

describe('parseGitOutputs', () => {
  it('reads every fact from the raw outputs', () => {
    expect(parseGitOutputs(attached)).toEqual({
      sha: SHA,
      branch: 'feature/login',
      tags: ['v1.2.3', 'release-candidate'],
      originHead: 'trunk',
      isDirty: true,
      remoteUrl: 'https://github.com/acme/satvach.git',
      commitTime: '2024-05-06T07:08:09.000Z',
    });
  });

  it('detached HEAD, no tags, no origin/HEAD, clean tree, no remote', () => {
    expect(parseGitOutputs({ ...attached, abbrevRef: 'HEAD\n', tags: '', originHead: '', status: '', remotes: '' })).toMatchObject({
      branch: null,
      tags: [],
      originHead: null,
      isDirty: false,
      remoteUrl: null,
    });
  });

  it('uses origin, not another remote', () => {
    const remotes = 'fork\tgit@github.com:me/satvach.git (fetch)\norigin\tgit@github.com:acme/satvach.git (fetch)\n';
    expect(parseGitOutputs({ ...attached, remotes }).remoteUrl).toBe('git@github.com:acme/satvach.git');
  });

  it('rejects output that is not a sha', () => {
    expect(() => parseGitOutputs({ ...attached, head: 'fatal: bad revision\n' })).toThrow(/unexpected output of "git show/);
  });
});

describe('stripCredentials', () => {
  it.each([
    ['https://bot:token@github.com/acme/x.git', 'https://github.com/acme/x.git'],
    ['https://ghp_token@github.com/acme/x.git', 'https://github.com/acme/x.git'],
    ['http://127.0.0.1:3000/acme/x.git', 'http://127.0.0.1:3000/acme/x.git'],
    ['ssh://git:pw@example.com:2222/acme/x.git', 'ssh://git@example.com:2222/acme/x.git'],
    ['git@github.com:acme/x.git', 'git@github.com:acme/x.git'],
    ['/srv/git/x.git', '/srv/git/x.git'],
  ])('%s → %s', (url, stripped) => {
    expect(stripCredentials(url)).toBe(stripped);
  });
});

describe('resolveRef', () => {
  const facts: GitFacts = {
    sha: SHA,
    branch: null,
    tags: [],
    originHead: null,
    isDirty: false,
    remoteUrl: null,
    commitTime: '2024-05-06T07:08:09.000Z',
  };

  it('without CI variables: the checkout as it is, default branch main', () => {
    expect(resolveRef({ ...facts, branch: 'main' })).toEqual({
      sha: SHA,
      shortSha: '0123456',
      branch: 'main',
      tags: [],
      defaultBranch: 'main',
      pullRequest: null,
      isDirty: false,
      remoteUrl: null,
      commitTime: '2024-05-06T07:08:09.000Z',
    });
  });

  it('default branch: explicit option > origin/HEAD > main', () => {
    expect(resolveRef(facts).defaultBranch).toBe('main');
    expect(resolveRef({ ...facts, originHead: 'trunk' }).defaultBranch).toBe('trunk');
    expect(resolveRef({ ...facts, originHead: 'trunk' }, {}, { defaultBranch: 'release' }).defaultBranch).toBe('release');
  });

  it('GitHub push to a branch on a detached checkout: GITHUB_REF_NAME names the branch, GITHUB_SHA the commit', () => {
    const other = 'fedcba9876543210fedcba9876543210fedcba98';
    const context = resolveRef(facts, { GITHUB_SHA: other, GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main', GITHUB_REF: 'refs/heads/main' });
    expect(context).toMatchObject({ sha: other, shortSha: 'fedcba9', branch: 'main', pullRequest: null });
  });

  it('GitHub pull request: GITHUB_HEAD_REF is the branch and the number comes from GITHUB_REF', () => {
    const context = resolveRef(facts, {
      GITHUB_HEAD_REF: 'feature/login',
      GITHUB_REF: 'refs/pull/42/merge',
      GITHUB_REF_NAME: '42/merge',
      GITHUB_REF_TYPE: 'branch',
    });
    expect(context).toMatchObject({ branch: 'feature/login', pullRequest: 42 });
  });

  it('GitHub tag push: the tag is added, the branch stays as checked out', () => {
    const context = resolveRef({ ...facts, tags: ['other'] }, { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.2.3' });
    expect(context).toMatchObject({ branch: null, tags: ['other', 'v1.2.3'] });
  });

  it('ignores an empty or malformed GITHUB_SHA', () => {
    expect(resolveRef(facts, { GITHUB_SHA: '' }).sha).toBe(SHA);
    expect(resolveRef(facts, { GITHUB_SHA: 'not-a-sha' }).sha).toBe(SHA);
  });
});
