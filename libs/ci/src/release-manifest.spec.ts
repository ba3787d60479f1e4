import { describe, expect, it } from 'vitest';
import { type ImageManifest } from '@satvach/image';
import { releaseManifest } from './release-manifest.ts';

const SHA = 'a'.repeat(40);
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const manifest = (project: string, extra: Partial<ImageManifest> = {}): ImageManifest => ({
  project,
  image: `ghcr.io/satvach/${project}`,
  tags: ['sha-aaaaaaa', 'main'],
  imageId: digest('1'),
  digest: digest('2'),
  durationMs: 1000,
  builtAt: '2026-11-28T10:00:00Z',
  gitSha: SHA,
  ...extra,
});

describe('releaseManifest', () => {
  it('maps each pushed project to its image and digest at the git sha', () => {
    expect(releaseManifest([manifest('backend'), manifest('frontend')], SHA, new Date('2026-11-28T10:05:00Z'))).toEqual({
      gitSha: SHA,
      createdAt: '2026-11-28T10:05:00.000Z',
      images: {
        backend: { image: 'ghcr.io/satvach/backend', digest: digest('2'), tags: ['sha-aaaaaaa', 'main'] },
        frontend: { image: 'ghcr.io/satvach/frontend', digest: digest('2'), tags: ['sha-aaaaaaa', 'main'] },
      },
    });
  });

  it('refuses an image that was not pushed, or was built at another commit', () => {
    expect(() => releaseManifest([manifest('backend', { digest: undefined })], SHA, new Date())).toThrow(/backend.json has no pushed digest/);
    expect(() => releaseManifest([manifest('backend', { gitSha: 'b'.repeat(40) })], SHA, new Date())).toThrow(/was built at b+, not at a+/);
  });
});
