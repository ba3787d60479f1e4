import { describe, expect, it } from 'vitest';
import { imageLabels, sourceUrl } from './labels.ts';

const git = {
  sha: '0123abc456789def0123abc456789def01234567',
  shortSha: '0123abc',
  tags: [] as string[],
  remoteUrl: 'git@github.com:acme/satvach.git',
  commitTime: '2024-05-06T07:08:09.000Z',
};

describe('imageLabels', () => {
  it('OCI labels from git facts; created is the commit time, version the short sha', () => {
    expect(imageLabels({ title: 'backend', git })).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/satvach',
      'org.opencontainers.image.revision': git.sha,
      'org.opencontainers.image.created': '2024-05-06T07:08:09.000Z',
      'org.opencontainers.image.version': 'sha-0123abc',
      'org.opencontainers.image.title': 'backend',
    });
  });

  it('the version of a v* tag at HEAD; explicit version and created win', () => {
    expect(imageLabels({ title: 'backend', git: { ...git, tags: ['v1.4.0'] } })['org.opencontainers.image.version']).toBe('1.4.0');
    const labels = imageLabels({ title: 'backend', git, version: '9.9.9', created: '2025-01-01T00:00:00.000Z' });
    expect(labels['org.opencontainers.image.version']).toBe('9.9.9');
    expect(labels['org.opencontainers.image.created']).toBe('2025-01-01T00:00:00.000Z');
  });

  it('no source label without a remote', () => {
    expect(Object.keys(imageLabels({ title: 'web', git: { ...git, remoteUrl: null } }))).not.toContain('org.opencontainers.image.source');
  });
});

describe('sourceUrl', () => {
  it.each([
    ['git@github.com:acme/satvach.git', 'https://github.com/acme/satvach'],
    ['ssh://git@github.com:22/acme/satvach.git', 'https://github.com/acme/satvach'],
    ['https://github.com/acme/satvach.git', 'https://github.com/acme/satvach'],
    ['https://gitlab.example.com/group/sub/project', 'https://gitlab.example.com/group/sub/project'],
  ])('%s → %s', (remote, url) => {
    expect(sourceUrl(remote)).toBe(url);
  });
});
