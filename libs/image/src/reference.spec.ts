import { describe, expect, it } from 'vitest';
import { parseImageRef, registryHost, validateImageRef, validateRegistry, validateTag } from './reference.ts';

describe('reference grammar', () => {
  it.each(['ghcr.io/acme', '127.0.0.1:5000/satvach', 'localhost:5000', 'registry.example.com/a/b__c', 'acme', 'ghcr.io/acme/'])(
    'registry %s is accepted',
    (registry) => {
      expect(validateRegistry(registry)).toBe(registry.replace(/\/$/, ''));
    },
  );

  it.each([
    ['ghcr.io/Acme', '"Acme" is not allowed'],
    ['Acme', '"Acme" is not allowed'],
    ['ghcr.io/acme-', '"acme-" is not allowed'],
    ['-bad.io/x', '"-bad.io/x": "-bad.io" is not a valid registry host'],
    ['', 'registry must not be empty'],
  ])('registry %s is rejected: %s', (registry, message) => {
    expect(() => validateRegistry(registry)).toThrow(message);
  });

  it('tags: 128 characters at most, no leading "." or "-"', () => {
    expect(validateTag(`_${'a'.repeat(127)}`)).toHaveLength(128);
    expect(() => validateTag('a'.repeat(129))).toThrow('is not allowed; a tag is 1 to 128 of [A-Za-z0-9_.-]');
    expect(() => validateTag('.x')).toThrow('image tag ".x" is not allowed');
    expect(() => validateTag('-x')).toThrow('image tag "-x" is not allowed');
  });

  it('splits name:tag at the last colon after the last slash (a registry port is not a tag)', () => {
    expect(parseImageRef('127.0.0.1:5000/satvach/web:1.2')).toEqual({ repository: '127.0.0.1:5000/satvach/web', tag: '1.2' });
    expect(parseImageRef('127.0.0.1:5000/satvach/web')).toEqual({ repository: '127.0.0.1:5000/satvach/web', tag: null });
    expect(() => validateImageRef('127.0.0.1:5000/satvach/web')).toThrow('has no tag');
    expect(() => validateImageRef(`ghcr.io/acme/${'a'.repeat(250)}:1`)).toThrow('at most 255 are allowed');
  });

  it('the login host of a registry', () => {
    expect(registryHost('ghcr.io/acme')).toBe('ghcr.io');
    expect(registryHost('acme')).toBe('docker.io');
  });
});
