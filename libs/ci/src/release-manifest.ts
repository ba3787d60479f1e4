import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFullGitSha } from '@satvach/git-context';
import { z } from 'zod';
import { IMAGE_MANIFEST_DIR, readImageManifest, type ImageManifest } from '@satvach/image';

/** What CD hands to the deploy job: for each pushed project, its image and the digest to run. */
export interface ReleaseManifest {
  readonly gitSha: string;
  readonly createdAt: string;
  readonly images: Readonly<Record<string, { readonly image: string; readonly digest: string; readonly tags: readonly string[] }>>;
}

/**
 * Combines the image manifests of the pushed projects into one release manifest. Every project must
 * have been pushed at `gitSha` (a digest recorded by docker-push, the same commit): a deploy must
 * never pick up a stale or unpushed image.
 */
export function releaseManifest(manifests: readonly ImageManifest[], gitSha: string, createdAt: Date): ReleaseManifest {
  const images: Record<string, ReleaseManifest['images'][string]> = {};
  for (const manifest of manifests) {
    if (manifest.digest === undefined) {
      throw new Error(`dist/images/${manifest.project}.json has no pushed digest; run \`nx run ${manifest.project}:docker-push\` first`);
    }
    if (manifest.gitSha !== gitSha) {
      throw new Error(`dist/images/${manifest.project}.json was built at ${manifest.gitSha}, not at ${gitSha}; rebuild and push it`);
    }
    images[manifest.project] = { image: manifest.image, digest: manifest.digest, tags: manifest.tags };
  }
  return { gitSha, createdAt: createdAt.toISOString(), images };
}

/** Reads `dist/images/<project>.json` of each project (validated) and builds the release manifest. */
export async function readReleaseManifest(workspaceRoot: string, projects: readonly string[], gitSha: string, now = new Date()) {
  const manifests = await Promise.all(projects.map((project) => readImageManifest(join(workspaceRoot, IMAGE_MANIFEST_DIR, `${project}.json`))));
  return releaseManifest(manifests, gitSha, now);
}

const ReleaseManifestSchema = z.object({
  gitSha: z.string().refine(isFullGitSha, 'a full git sha'),
  createdAt: z.string(),
  images: z.record(
    z.string(),
    z.object({
      image: z.string().min(1),
      digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256:<64 hex digits>'),
      tags: z.array(z.string()),
    }),
  ),
});

/** Reads and validates a release manifest CD wrote; errors name the file and the key. */
export function loadReleaseManifest(file: string): ReleaseManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the release manifest ${file}: ${(error as Error).message}`);
  }
  const parsed = ReleaseManifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`the release manifest ${file} is not valid (CD writes it with libs/ci/src/bin/release-manifest.ts): ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** `<image>@<digest>` of a project in the release, or undefined when the release did not change it. */
export function releasedImageRef(manifest: ReleaseManifest, project: string): string | undefined {
  const entry = manifest.images[project];
  return entry === undefined ? undefined : `${entry.image}@${entry.digest}`;
}
