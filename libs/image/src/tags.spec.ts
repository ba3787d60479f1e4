import { describe, expect, it } from 'vitest';
import { InvalidReferenceError } from './reference.ts';
import { imageTags, sanitizeBranch, semverTags, type ImageTagsInput, type TagGitFacts } from './tags.ts';

const main: TagGitFacts = { shortSha: '0123abc', branch: 'main', tags: [], defaultBranch: 'main' };
const REGISTRY = 'ghcr.io/acme';

type Case = Omit<Partial<ImageTagsInput>, 'git'> & { git?: Partial<TagGitFacts> };

function tagsOf(input: Case): string[] {
  return imageTags({ registry: REGISTRY, imageName: 'backend', ...input, git: { ...main, ...input.git } }).map((t) => t.tag);
}

describe('imageTags', () => {
  it.each<[string, Case, string[]]>([
    ['main (the default branch)', {}, ['sha-0123abc', 'main', 'latest']],
    ['a feature branch', { git: { branch: 'Feature/Login_Fix!!' } }, ['sha-0123abc', 'feature-login_fix']],
    ['a pull request', { git: { branch: 'Feature/Login_Fix!!' }, isPullRequest: true, prNumber: 42 }, ['sha-0123abc', 'pr-42']],
    ['a pull request of the default branch gets no latest', { isPullRequest: true, prNumber: 42 }, ['sha-0123abc', 'pr-42']],
    ['a pull request taken from git.pullRequest', { git: { branch: 'x', pullRequest: 7 } }, ['sha-0123abc', 'pr-7']],
    ['tag v1.2.3 on main', { git: { tags: ['v1.2.3'] } }, ['sha-0123abc', 'main', '1.2.3', '1.2', '1', 'latest']],
    ['a prerelease tag', { git: { tags: ['v1.2.3-rc.1'] } }, ['sha-0123abc', 'main', '1.2.3-rc.1', 'latest']],
    ['a non-version tag is ignored', { git: { tags: ['deployed', 'v1.2'] } }, ['sha-0123abc', 'main', 'latest']],
    ['detached HEAD with a tag', { git: { branch: null, tags: ['v2.0.0'] } }, ['sha-0123abc', '2.0.0', '2.0', '2']],
    ['a branch other than the default', { git: { branch: 'main', defaultBranch: 'trunk' } }, ['sha-0123abc', 'main']],
    ['a branch named latest is not latest', { git: { branch: 'latest' } }, ['sha-0123abc', 'branch-latest']],
    ['a branch with nothing usable gets no branch tag', { git: { branch: '!!!' } }, ['sha-0123abc']],
  ])('%s', (_name, input, expected) => {
    expect(tagsOf(input)).toEqual(expected);
  });

  it('returns full references with the reason for each tag', () => {
    expect(imageTags({ registry: '127.0.0.1:5000/satvach', imageName: 'backend', git: { ...main, tags: ['v1.0.0'] } })).toEqual([
      { tag: 'sha-0123abc', ref: '127.0.0.1:5000/satvach/backend:sha-0123abc', reason: 'sha' },
      { tag: 'main', ref: '127.0.0.1:5000/satvach/backend:main', reason: 'branch' },
      { tag: '1.0.0', ref: '127.0.0.1:5000/satvach/backend:1.0.0', reason: 'semver' },
      { tag: '1.0', ref: '127.0.0.1:5000/satvach/backend:1.0', reason: 'semver' },
      { tag: '1', ref: '127.0.0.1:5000/satvach/backend:1', reason: 'semver' },
      { tag: 'latest', ref: '127.0.0.1:5000/satvach/backend:latest', reason: 'latest' },
    ]);
  });

  it('a 200-character branch becomes a tag of at most 128 characters without a trailing separator', () => {
    const branch = `feature/${'a'.repeat(119)}-${'b'.repeat(72)}`;
    const [, branchTag] = tagsOf({ git: { branch } });
    expect(branch).toHaveLength(200);
    expect(branchTag).toBe(`feature-${'a'.repeat(119)}`);
    expect(branchTag?.length).toBeLessThanOrEqual(128);
  });

  it('a registry with uppercase is rejected, naming the value and the rule', () => {
    expect(() => tagsOf({ registry: 'ghcr.io/Acme' })).toThrow(InvalidReferenceError);
    expect(() => tagsOf({ registry: 'ghcr.io/Acme' })).toThrow(
      `registry "ghcr.io/Acme": "Acme" is not allowed (did you mean "acme"?); path components are lowercase letters and digits, separated by '.', '_', '__' or '-'`,
    );
  });

  it('a registry with a scheme or a bad host is rejected', () => {
    expect(() => tagsOf({ registry: 'https://ghcr.io/acme' })).toThrow('must not have a scheme; write "ghcr.io/acme"');
    expect(() => tagsOf({ registry: 'bad_host.io:5000/x' })).toThrow('"bad_host.io:5000" is not a valid registry host');
  });

  it('an image name that breaks the grammar is rejected', () => {
    expect(() => tagsOf({ imageName: 'Backend' })).toThrow('image name "ghcr.io/acme/Backend": "Backend" is not allowed');
  });

  it('a pull request without a number is rejected', () => {
    expect(() => tagsOf({ isPullRequest: true })).toThrow('a pull request build needs prNumber, a positive integer; got undefined');
  });

  it('a short sha that is not hex is rejected', () => {
    expect(() => tagsOf({ git: { shortSha: 'HEAD' } })).toThrow('short sha "HEAD" is not a git sha');
  });
});

describe('sanitizeBranch', () => {
  it.each([
    ['Feature/Login_Fix!!', 'feature-login_fix'],
    ['release/1.2', 'release-1.2'],
    ['--dots..and--dashes--', 'dots..and-dashes'],
    ['.hidden', 'hidden'],
    ['dependabot/npm_and_yarn/vite-7.3.8', 'dependabot-npm_and_yarn-vite-7.3.8'],
    ['ümlaut-ß', 'mlaut'],
  ])('%s → %s', (branch, tag) => {
    expect(sanitizeBranch(branch)).toBe(tag);
  });
});

describe('semverTags', () => {
  it('no bare major for 0.x, build metadata dropped', () => {
    expect(semverTags(['v0.3.1'])).toEqual(['0.3.1', '0.3']);
    expect(semverTags(['v1.2.3+build.7'])).toEqual(['1.2.3', '1.2', '1']);
    expect(semverTags(['1.2.3', 'v01.2.3', 'v1.2.3.4'])).toEqual([]);
  });
});
