import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '@nx/devkit';
import { contextFor } from '../executor-testing.ts';
import composeUp from './executor.ts';

// Before anything is built or started: a host running a CD release never mixes it with local builds.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compose-up-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('compose-up with a release manifest', () => {
  it('refuses, naming the option, when the release does not list an image and no option names it', async () => {
    const release = join(dir, 'release.json');
    const digest = `sha256:${'c'.repeat(64)}`;
    writeFileSync(release, JSON.stringify({ gitSha: 'a'.repeat(40), createdAt: '', images: { 'backup-image': { image: 'ghcr.io/satvach/backup', digest, tags: [] } } }));
    const errors: string[] = [];
    vi.spyOn(logger, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));

    const result = await composeUp(
      { files: ['docker/compose.yml'], profiles: ['backup'], projectName: 'never-started', envFile: join(dir, '.env'), exampleFile: join(dir, 'none'), stateDir: join(dir, 'state'), timeoutSeconds: 10, releaseManifest: release, edgeImage: 'ghcr.io/satvach/frontend@' + digest },
      contextFor('stack'),
    );

    expect(result.success).toBe(false);
    expect(errors.join('\n')).toContain(`backend is not in the release ${release}: name the image that runs now (--backendImage=<image@digest>)`);
  });
});
