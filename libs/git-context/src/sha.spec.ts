import { describe, expect, it } from 'vitest';
import { isFullGitSha } from './sha.ts';

describe('isFullGitSha', () => {
  it.each(['a'.repeat(40), '0123456789abcdef'.repeat(4)])('accepts %s', (sha) => expect(isFullGitSha(sha)).toBe(true));
  it.each([
    ['an abbreviated sha', 'a'.repeat(12)],
    ['uppercase hex', 'A'.repeat(40)],
    ['41 digits', 'a'.repeat(41)],
    ['a branch name', 'main'],
    ['a sha with a newline', `${'a'.repeat(40)}\n`],
  ])('refuses %s', (_what, value) => expect(isFullGitSha(value)).toBe(false));
});
