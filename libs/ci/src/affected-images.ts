import { run as execRun, type RunFn } from '@satvach/exec';
import { allImages, computeImageSet, type AffectedImage, type SkippedImage } from './image-set.ts';
import { readAffectedProjects, readWorkspaceGraph } from './nx.ts';
import { changedFiles, RANGE_COMMANDS, resolveRange, type ResolvedRange } from './range.ts';

export interface AffectedImagesRequest {
  /** Commit, branch or tag to compare against; null rebuilds every image (say why in `noBaseReason`). */
  readonly base: string | null;
  /** Defaults to HEAD. */
  readonly head?: string;
  readonly workspaceRoot: string;
  readonly noBaseReason?: string;
}

export interface AffectedImagesResult {
  readonly range: ResolvedRange;
  readonly changedFiles: readonly string[];
  /** What Nx marks affected in the range (empty when every image is rebuilt). */
  readonly affectedProjects: readonly string[];
  readonly images: readonly AffectedImage[];
  readonly skipped: readonly SkippedImage[];
  /** Every fallback and caveat, in order; printed before the set. */
  readonly notes: readonly string[];
}

/**
 * The exact set of images to rebuild between `base` and `head`, from Nx's real project graph and
 * `nx show projects --affected`, plus the git diff for Dockerfiles, .dockerignore files and lockfiles.
 * The project graph is read from the working tree, so run it on a checkout of `head`.
 */
export async function affectedImages(request: AffectedImagesRequest, run: RunFn = execRun): Promise<AffectedImagesResult> {
  const { workspaceRoot } = request;
  const range = await resolveRange(
    { base: request.base, head: request.head ?? 'HEAD', workspaceRoot, noBaseReason: request.noBaseReason },
    run,
  );
  const notes = [...range.notes];
  const checkedOut = (await run({ file: 'git', args: RANGE_COMMANDS.verify('HEAD'), cwd: workspaceRoot }, { quiet: true })).stdout.trim();
  if (checkedOut !== range.head) {
    notes.push(`head ${range.head.slice(0, 12)} is not the checked-out commit ${checkedOut.slice(0, 12)}; the project graph is read from the working tree`);
  }
  const graph = await readWorkspaceGraph(workspaceRoot, run);

  if (range.mode === 'all') {
    notes.push(range.reason);
    const set = allImages(graph, range.reason);
    return { range, changedFiles: [], affectedProjects: [], ...set, notes };
  }
  const files = range.base === range.head ? [] : await changedFiles(workspaceRoot, range.base, range.head, run);
  const affected = files.length === 0 ? [] : await readAffectedProjects(workspaceRoot, range.base, range.head, run);
  const set = computeImageSet({ graph, affected, changedFiles: files });
  return { range, changedFiles: files, affectedProjects: affected, ...set, notes };
}
