import { describe, expect, it } from 'vitest';
import { registryFromEnv } from './registry.ts';

const DEFAULT = '127.0.0.1:5000/satvach';

describe('registryFromEnv precedence: option > SATVACH_REGISTRY > ghcr.io/<owner> > default', () => {
  const all = { SATVACH_REGISTRY: 'registry.example.com/team', GITHUB_REPOSITORY_OWNER: 'Acme-Org' };

  it.each([
    ['the explicit option wins over everything', all, 'ghcr.io/mine', { registry: 'ghcr.io/mine', source: 'option' }],
    ['SATVACH_REGISTRY wins over GitHub and the default', all, undefined, { registry: 'registry.example.com/team', source: 'SATVACH_REGISTRY' }],
    ['GitHub owner, lowercased', { GITHUB_REPOSITORY_OWNER: 'Acme-Org' }, undefined, { registry: 'ghcr.io/acme-org', source: 'GITHUB_REPOSITORY_OWNER' }],
    ['the plugin default last', {}, undefined, { registry: DEFAULT, source: 'default' }],
    ['empty values count as unset', { SATVACH_REGISTRY: ' ', GITHUB_REPOSITORY_OWNER: '' }, '', { registry: DEFAULT, source: 'default' }],
  ])('%s', (_name, env, explicit, expected) => {
    expect(registryFromEnv(env, DEFAULT, explicit)).toEqual(expected);
  });

  it('a bad value fails naming where it came from', () => {
    expect(() => registryFromEnv({ SATVACH_REGISTRY: 'Registry.example.com/Team' }, DEFAULT)).toThrow(/"Team" is not allowed.*\(from SATVACH_REGISTRY\)$/);
    expect(() => registryFromEnv({}, DEFAULT, 'http://x.io/a')).toThrow(/\(from the registry option\)$/);
  });
});
