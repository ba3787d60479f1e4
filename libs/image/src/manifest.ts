import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isFullGitSha } from '@satvach/git-context';
import { z } from 'zod';

/** Where image manifests live, relative to the workspace root. */
export const IMAGE_MANIFEST_DIR = 'dist/images';

const DIGEST = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>');
const PROJECT = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'expected a project name usable as a file name (letters, digits, _ . -)');

/** What one `docker-build` (and later `docker-push`) of a project produced; CD reads it. */
export const ImageManifest = z.object({
  project: PROJECT,
  /** Repository without tag: `ghcr.io/acme/backend`. */
  image: z.string().min(1),
  /** Tag names (not full references): `["sha-0123abc", "main", "latest"]`. */
  tags: z.array(z.string().min(1)),
  /** The local image ID from `--iidfile`. */
  imageId: DIGEST,
  /** The registry's manifest digest, once pushed. */
  digest: DIGEST.optional(),
  pushed: z.array(z.object({ ref: z.string().min(1), digest: DIGEST })).optional(),
  durationMs: z.number().int().nonnegative(),
  builtAt: z.iso.datetime({ offset: true }),
  gitSha: z.string().refine(isFullGitSha, 'expected a full git sha'),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

export function imageManifestPath(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, IMAGE_MANIFEST_DIR, `${PROJECT.parse(project)}.json`);
}

/**
 * Writes `<workspaceRoot>/dist/images/<project>.json` atomically: a temp file in the same directory,
 * then a rename, so a reader never sees half a manifest. Returns the path.
 */
export async function writeImageManifest(workspaceRoot: string, manifest: ImageManifest): Promise<string> {
  const checked = ImageManifest.parse(manifest);
  const file = imageManifestPath(workspaceRoot, checked.project);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(checked, null, 2)}\n`);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return file;
}

/** Reads and validates a manifest file; the error names the file and every bad field. */
export async function readImageManifest(file: string): Promise<ImageManifest> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read image manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  const result = ImageManifest.safeParse(data);
  if (!result.success) {
    throw new Error(`invalid image manifest ${file}:\n${z.prettifyError(result.error)}\nRebuild the image to write it again.`);
  }
  return result.data;
}
