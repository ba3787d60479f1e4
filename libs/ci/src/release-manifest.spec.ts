import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImageManifest } from '@satvach/image';
import { loadReleaseManifest, releasedImageRef, releaseManifest } from './release-manifest.ts';

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

describe('loadReleaseManifest', () => {
  const withFile = (text: string, check: (file: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'release-'));
    try {
      const file = join(dir, 'release.json');
      writeFileSync(file, text);
      check(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads what releaseManifest writes and gives each released project as <image>@<digest>', () => {
    const written = releaseManifest([manifest('backup-image', { image: 'ghcr.io/satvach/backup' })], SHA, new Date('2026-11-28T10:05:00Z'));
    withFile(JSON.stringify(written), (file) => {
      const loaded = loadReleaseManifest(file);
      expect(loaded).toEqual(written);
      expect(releasedImageRef(loaded, 'backup-image')).toBe(`ghcr.io/satvach/backup@${digest('2')}`);
      expect(releasedImageRef(loaded, 'backend')).toBeUndefined();
    });
  });

  it('names the file and the key when a digest is not a digest', () => {
    const bad = { gitSha: SHA, createdAt: 'x', images: { backend: { image: 'ghcr.io/satvach/backend', digest: 'latest', tags: [] } } };
    withFile(JSON.stringify(bad), (file) => {
      expect(() => loadReleaseManifest(file)).toThrow(`the release manifest ${file} is not valid`);
      expect(() => loadReleaseManifest(file)).toThrow('images.backend.digest: sha256:<64 hex digits>');
    });
  });

  it('names the file when it is not JSON', () => {
    withFile('{ half', (file) => expect(() => loadReleaseManifest(file)).toThrow(`cannot read the release manifest ${file}`));
  });
});
