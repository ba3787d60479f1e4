import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageManifestPath, readImageManifest, writeImageManifest, type ImageManifest } from './manifest.ts';

const manifest: ImageManifest = {
  project: 'backend',
  image: 'ghcr.io/acme/backend',
  tags: ['sha-0123abc', 'main', 'latest'],
  imageId: `sha256:${'a'.repeat(64)}`,
  digest: `sha256:${'b'.repeat(64)}`,
  pushed: [{ ref: 'ghcr.io/acme/backend:sha-0123abc', digest: `sha256:${'b'.repeat(64)}` }],
  durationMs: 12345,
  builtAt: '2024-05-06T07:08:09.000Z',
  gitSha: '0123abc456789def0123abc456789def01234567',
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'satvach-manifest-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('image manifest', () => {
  it('round trip through dist/images/<project>.json, leaving no temp file', async () => {
    const file = await writeImageManifest(root, manifest);
    expect(file).toBe(join(root, 'dist/images/backend.json'));
    expect(readdirSync(join(root, 'dist/images'))).toEqual(['backend.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(manifest);
    expect(await readImageManifest(file)).toEqual(manifest);
  });

  it('a build-only manifest (not pushed yet) is valid and overwrites the previous one', async () => {
    await writeImageManifest(root, manifest);
    const { digest: _digest, pushed: _pushed, ...built } = manifest;
    const file = await writeImageManifest(root, built);
    expect(await readImageManifest(file)).toEqual(built);
  });

  it('an invalid manifest fails naming the file and each bad field', async () => {
    const file = imageManifestPath(root, 'backend');
    await writeImageManifest(root, manifest);
    writeFileSync(file, JSON.stringify({ ...manifest, imageId: 'abc', durationMs: -1, tags: undefined }));
    const error = (await readImageManifest(file).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`invalid image manifest ${file}:`);
    expect(error.message).toContain('expected sha256:<64 hex digits>\n  → at imageId');
    expect(error.message).toContain('durationMs');
    expect(error.message).toContain('tags');
  });

  it('a file that is not JSON or missing fails naming the file', async () => {
    const file = join(root, 'broken.json');
    writeFileSync(file, '{"project":');
    await expect(readImageManifest(file)).rejects.toThrow(`cannot read image manifest ${file}:`);
    await expect(readImageManifest(join(root, 'missing.json'))).rejects.toThrow('ENOENT');
  });

  it('refuses to write an invalid manifest or a project name that is a path', async () => {
    await expect(writeImageManifest(root, { ...manifest, gitSha: 'HEAD' })).rejects.toThrow('expected a full git sha');
    expect(() => imageManifestPath(root, '../escape')).toThrow();
  });
});
