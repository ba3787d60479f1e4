import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunFn } from '@satvach/exec';
import { gitEnvFromProcess, readGitContext } from './read.ts';

const COMMIT_TIME = '2024-05-06T07:08:09Z';
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.test',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.test',
  GIT_AUTHOR_DATE: COMMIT_TIME,
  GIT_COMMITTER_DATE: COMMIT_TIME,
};

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' }).trim();
}

function commit(file: string, content: string): string {
  writeFileSync(join(repo, file), content);
  git('add', file);
  git('commit', '-q', '-m', `change ${file}`);
  return git('rev-parse', 'HEAD');
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'satvach-git-context-'));
  git('init', '-q', '-b', 'main');
});

afterEach(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe('readGitContext on real repositories', () => {
  it('a clean checkout of main', async () => {
    const sha = commit('a.txt', 'a');
    expect(await readGitContext(repo)).toEqual({
      sha,
      shortSha: sha.slice(0, 7),
      branch: 'main',
      tags: [],
      defaultBranch: 'main',
      pullRequest: null,
      isDirty: false,
      remoteUrl: null,
      commitTime: '2024-05-06T07:08:09.000Z',
    });
  });

  it('a feature branch with a v1.2.3 tag at HEAD, origin/HEAD and a remote with credentials', async () => {
    commit('a.txt', 'a');
    git('checkout', '-q', '-b', 'Feature/Login_Fix');
    const sha = commit('b.txt', 'b');
    git('tag', 'v1.2.3');
    git('tag', '-a', 'annotated', '-m', 'annotated tag');
    git('remote', 'add', 'origin', 'https://bot:ghp_abcdef@github.com/acme/satvach.git');
    git('update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');

    expect(await readGitContext(repo)).toMatchObject({
      sha,
      branch: 'Feature/Login_Fix',
      tags: ['annotated', 'v1.2.3'],
      defaultBranch: 'trunk',
      remoteUrl: 'https://github.com/acme/satvach.git',
    });
    expect((await readGitContext(repo, undefined, { defaultBranch: 'main' })).defaultBranch).toBe('main');
  });

  it('a detached HEAD has no branch; tags on other commits are not listed', async () => {
    const first = commit('a.txt', 'a');
    git('tag', 'v0.9.0');
    commit('a.txt', 'b');
    git('tag', 'v1.0.0');
    git('checkout', '-q', '--detach', first);

    expect(await readGitContext(repo)).toMatchObject({ sha: first, branch: null, tags: ['v0.9.0'] });
  });

  it('a modified file or an untracked file makes the tree dirty', async () => {
    commit('a.txt', 'a');
    writeFileSync(join(repo, 'untracked.txt'), 'new');
    expect((await readGitContext(repo)).isDirty).toBe(true);
    rmSync(join(repo, 'untracked.txt'));
    expect((await readGitContext(repo)).isDirty).toBe(false);
    writeFileSync(join(repo, 'a.txt'), 'changed');
    expect((await readGitContext(repo)).isDirty).toBe(true);
  });

  it('CI variables override a detached checkout', async () => {
    const sha = commit('a.txt', 'a');
    git('checkout', '-q', '--detach', sha);
    const context = await readGitContext(repo, undefined, {
      env: { GITHUB_HEAD_REF: 'feature/x', GITHUB_REF: 'refs/pull/7/merge', GITHUB_SHA: sha },
    });
    expect(context).toMatchObject({ branch: 'feature/x', pullRequest: 7, sha });
  });

  it('a repository without commits fails with git’s reason', async () => {
    await expect(readGitContext(repo)).rejects.toThrow(/git show .*HEAD/);
  });

  it('runs every git command through the injected runner, in the checkout', async () => {
    commit('a.txt', 'a');
    const seen: string[] = [];
    const { run } = await import('@satvach/exec');
    const spy: RunFn = async (command, options) => {
      seen.push(`${command.cwd} ${command.file} ${command.args[0]}`);
      return run(command, options);
    };
    await readGitContext(repo, spy);
    expect(seen.sort()).toEqual(['for-each-ref', 'remote', 'rev-parse', 'show', 'status', 'tag'].map((sub) => `${repo} git ${sub}`));
  });
});

describe('gitEnvFromProcess', () => {
  it('picks only the CI variables git-context uses', () => {
    expect(gitEnvFromProcess({ GITHUB_SHA: 'abc', GITHUB_HEAD_REF: 'x', HOME: '/root', GITHUB_TOKEN: 'secret' })).toEqual({
      GITHUB_SHA: 'abc',
      GITHUB_HEAD_REF: 'x',
    });
  });
});
