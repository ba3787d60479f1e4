import { join } from 'node:path';
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
