// @vitest-environment node
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPRESSIBLE_ASSETS, COMPRESSION_THRESHOLD_BYTES } from '../vite.config.ts';

// Builds the app once with its real Vite config into a temporary folder, then checks what a web
// server would be given: hashed asset names and exact precompressed siblings.

const configFile = fileURLToPath(new URL('../vite.config.ts', import.meta.url));
let outDir: string;
let files: string[];

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'satvach-frontend-build-'));
  await build({ configFile, mode: 'production', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  files = filesUnder(outDir);
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('production build', () => {
  it('references content-hashed assets from index.html', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1]);

    expect(referenced).toEqual(
      expect.arrayContaining([expect.stringMatching(/^assets\/index-[\w-]{8}\.js$/), expect.stringMatching(/^assets\/index-[\w-]{8}\.css$/)]),
    );
    for (const asset of referenced) expect(files).toContain(asset);
  });

  it('keeps the map in its own hashed chunk so the list does not wait for it', () => {
    expect(files).toContainEqual(expect.stringMatching(/^assets\/PlacesMap-[\w-]{8}\.js$/));
  });

  it('gives every compressible asset over the threshold .br and .gz siblings with exactly the original bytes', () => {
    const compressible = files.filter(
      (file) => COMPRESSIBLE_ASSETS.test(file) && statSync(join(outDir, file)).size >= COMPRESSION_THRESHOLD_BYTES,
    );
    expect(compressible).toEqual(expect.arrayContaining(['index.html', expect.stringMatching(/^assets\/index-.*\.js$/)]));

    for (const file of compressible) {
      const original = readFileSync(join(outDir, file));
      expect(files, `${file}.br`).toContain(`${file}.br`);
      expect(files, `${file}.gz`).toContain(`${file}.gz`);
      expect(brotliDecompressSync(readFileSync(join(outDir, `${file}.br`))).equals(original), `${file}.br`).toBe(true);
      expect(gunzipSync(readFileSync(join(outDir, `${file}.gz`))).equals(original), `${file}.gz`).toBe(true);
    }
  });
});
