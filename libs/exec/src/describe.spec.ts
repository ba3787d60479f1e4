import { inspect } from 'node:util';
import { describe as suite, expect, it } from 'vitest';
import { describe, secretValues, shellQuote } from './describe.ts';
import { createRedactor, secret } from './secret.ts';

suite('describe', () => {
  it('renders argv shell-quoted so it can be pasted back into a shell', () => {
    expect(describe({ file: 'docker', args: ['build', '-t', 'ghcr.io/acme/api:sha-abc1234', '--label', 'a=b c', "it's", ''] })).toBe(
      `docker build -t ghcr.io/acme/api:sha-abc1234 --label 'a=b c' 'it'\\''s' ''`,
    );
  });

  it('shows the env the command adds before the program', () => {
    expect(describe({ file: 'docker', args: ['build', '.'], env: { DOCKER_BUILDKIT: '1' } })).toBe('DOCKER_BUILDKIT=1 docker build .');
  });

  it('redacts listed secrets inside larger arguments, including short ones', () => {
    const text = describe({ file: 'curl', args: ['-u', 'bot:abc', 'https://bot:abc@example.test'], secrets: ['abc'] });
    expect(text).toBe(`curl -u 'bot:***' 'https://bot:***@example.test'`);
  });

  it('redacts the value sent on stdin if it also appears in argv', () => {
    expect(describe({ file: 'echo', args: ['hunter2'], input: 'hunter2\n' })).toBe('echo ***');
  });

  it('does not treat large binary input as a secret', () => {
    expect(secretValues({ file: 'tar', args: [], input: Buffer.alloc(100_000, 'a') })).toEqual([]);
  });
});

suite('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['key=value', 'key=value'],
    ['a b', `'a b'`],
    ['$HOME', `'$HOME'`],
    ["o'k", `'o'\\''k'`],
  ])('%s → %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});

suite('Secret', () => {
  it('renders *** in strings, JSON and inspect, and reveals only on request', () => {
    const value = secret('p4ss');
    expect(`${value}`).toBe('***');
    expect(JSON.stringify({ value })).toBe('{"value":"***"}');
    expect(inspect({ value })).not.toContain('p4ss');
    expect(value.reveal()).toBe('p4ss');
  });

  it('the redactor replaces longer secrets first', () => {
    const redact = createRedactor(['abc', 'abcdef']);
    expect(redact('x abcdef y abc')).toBe('x *** y ***');
  });
});
