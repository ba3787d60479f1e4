import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '@satvach/exec';
import { changedFiles, resolveRange } from './range.ts';
import { COPY_GIT_ENV } from './testing/index.ts';

// Base resolution on real repositories: every bad input must name the problem and the fallback.

let dir: string;
let repo: string;

async function gitIn(cwd: string, ...args: string[]): Promise<string> {
  return (await run({ file: 'git', args, cwd, env: COPY_GIT_ENV }, { quiet: true })).stdout.trim();
}
const git = (...args: string[]) => gitIn(repo, ...args);

async function commit(file: string, content: string): Promise<string> {
  await writeFile(join(repo, file), content);
  await git('add', file);
  await git('commit', '-q', '-m', `change ${file}`);
  return git('rev-parse', 'HEAD');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'satvach-range-'));
  repo = join(dir, 'repo');
  await run({ file: 'git', args: ['init', '-q', '-b', 'main', repo], cwd: dir, env: COPY_GIT_ENV }, { quiet: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('resolveRange', () => {
  it('an ancestor base on a branch: compared as given, no notes', async () => {
    const base = await commit('a.txt', '1');
    const head = await commit('b.txt', '2');
    expect(await resolveRange({ base, head: 'HEAD', workspaceRoot: repo })).toEqual({
      mode: 'diff',
      requestedBase: base,
      base,
      head,
      notes: [],
    });
    expect(await changedFiles(repo, base, head)).toEqual(['b.txt']);
  });

  it('a branch name resolves to its commit', async () => {
    const base = await commit('a.txt', '1');
    await git('checkout', '-q', '-b', 'feature');
    const head = await commit('b.txt', '2');
    expect(await resolveRange({ base: 'main', head: 'HEAD', workspaceRoot: repo })).toMatchObject({ mode: 'diff', base, head, notes: [] });
  });

  it('base equal to head: an empty range, said so', async () => {
    const head = await commit('a.txt', '1');
    const range = await resolveRange({ base: head, head: 'HEAD', workspaceRoot: repo });
    expect(range).toMatchObject({ mode: 'diff', base: head, head });
    expect(range.notes).toEqual([`base and head are the same commit ${head.slice(0, 12)}: nothing changed`]);
  });

  it('an unknown base sha: every image, naming the sha', async () => {
    const head = await commit('a.txt', '1');
    const unknown = 'deadbeef'.repeat(5);
    expect(await resolveRange({ base: unknown, head: 'HEAD', workspaceRoot: repo })).toEqual({
      mode: 'all',
      requestedBase: unknown,
      head,
      reason: `rebuilding every image: base "${unknown}" is not a commit in this repository (unknown sha, or a branch that was never fetched)`,
      notes: [],
    });
  });

  it('no base at all (no earlier successful run): every image, with the caller’s reason', async () => {
    await commit('a.txt', '1');
    const range = await resolveRange({ base: null, head: 'HEAD', workspaceRoot: repo, noBaseReason: 'no successful CD run on main' });
    expect(range).toMatchObject({ mode: 'all', reason: 'rebuilding every image: no successful CD run on main' });
  });

  it('a base that is not an ancestor (force-pushed branch): falls back to the merge-base, said so', async () => {
    const fork = await commit('a.txt', '1');
    await git('checkout', '-q', '-b', 'old');
    const rewritten = await commit('b.txt', 'old line');
    await git('checkout', '-q', 'main');
    const head = await commit('c.txt', 'new line');
    const range = await resolveRange({ base: rewritten, head: 'HEAD', workspaceRoot: repo });
    expect(range).toEqual({
      mode: 'diff',
      requestedBase: rewritten,
      base: fork,
      head,
      notes: [`base ${rewritten.slice(0, 12)} is not an ancestor of head ${head.slice(0, 12)}; falling back to their merge-base ${fork.slice(0, 12)}`],
    });
    expect(await changedFiles(repo, fork, head)).toEqual(['c.txt']);
  });

  it('a base with no common history: every image, said so', async () => {
    await commit('a.txt', '1');
    await git('checkout', '-q', '--orphan', 'unrelated');
    const other = await commit('z.txt', 'z');
    await git('checkout', '-q', 'main');
    const range = await resolveRange({ base: other, head: 'HEAD', workspaceRoot: repo });
    expect(range).toMatchObject({ mode: 'all', reason: expect.stringMatching(/^rebuilding every image: base \w{12} and head \w{12} share no history/) });
  });

  it('a detached HEAD is noted, and a base branch that only exists on origin is used from there', async () => {
    const base = await commit('a.txt', '1');
    const head = await commit('b.txt', '2');
    const clone = join(dir, 'clone');
    await gitIn(dir, 'clone', '-q', repo, clone);
    await gitIn(clone, 'checkout', '-q', '--detach', head);
    await gitIn(clone, 'branch', '-q', '-D', 'main');
    await gitIn(clone, 'update-ref', 'refs/remotes/origin/main', base);
    const range = await resolveRange({ base: 'main', head: 'HEAD', workspaceRoot: clone });
    expect(range).toEqual({
      mode: 'diff',
      requestedBase: 'main',
      base,
      head,
      notes: [
        `HEAD is detached at ${head.slice(0, 12)}; using that commit as head`,
        `base "main" is not a local branch or tag; using origin/main (${base.slice(0, 12)})`,
      ],
    });
  });

  it('a shallow clone without the base: every image, telling to fetch the full history', async () => {
    const base = await commit('a.txt', '1');
    await commit('b.txt', '2');
    const head = await commit('c.txt', '3');
    const clone = join(dir, 'shallow');
    await gitIn(dir, 'clone', '-q', '--depth=1', `file://${repo}`, clone);
    const range = await resolveRange({ base, head: 'HEAD', workspaceRoot: clone });
    expect(range).toEqual({
      mode: 'all',
      requestedBase: base,
      head,
      reason: `rebuilding every image: base "${base}" is not in this shallow clone; fetch the full history (actions/checkout fetch-depth: 0, or git fetch --unshallow)`,
      notes: ['this clone is shallow; commits before its depth are unknown (CI: actions/checkout with fetch-depth: 0)'],
    });
  });

  it('an unknown head is an error, not a fallback', async () => {
    await commit('a.txt', '1');
    await expect(resolveRange({ base: 'main', head: 'no-such-ref', workspaceRoot: repo })).rejects.toThrow(
      /head "no-such-ref" is not a commit in .*; pass --head=<sha or ref>/,
    );
  });
});
