// CD: `node libs/ci/src/bin/release-manifest.ts --projects=frontend,backend --sha=<git sha> --out=<file>`
// Writes { gitSha, createdAt, images: { <project>: { image, digest, tags } } } from dist/images/*.json;
// fails when a project was not pushed at that sha. Run from the workspace root.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readReleaseManifest } from '../release-manifest.ts';

const { values } = parseArgs({
  options: { projects: { type: 'string' }, sha: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
try {
  if (!values.projects || !values.sha || !values.out) throw new Error('pass --projects=<a,b> --sha=<git sha> --out=<file>');
  const projects = values.projects.split(',').map((p) => p.trim()).filter(Boolean);
  const manifest = await readReleaseManifest(process.cwd(), projects, values.sha);
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`release manifest ${out}: ${Object.entries(manifest.images).map(([p, i]) => `${p} → ${i.image}@${i.digest}`).join(', ')}`);
} catch (error) {
  console.error(`release-manifest: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
