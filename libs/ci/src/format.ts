import { type AffectedImagesResult } from './affected-images.ts';

const short = (sha: string) => sha.slice(0, 12);

/** The human report: range, notes, each image with its reasons, and the affected projects whose image stays. */
export function formatAffectedImages(result: AffectedImagesResult): string {
  const { range } = result;
  const lines: string[] = [];
  lines.push(
    range.mode === 'diff'
      ? `range ${short(range.base)}..${short(range.head)} (base requested: ${range.requestedBase}); ${result.changedFiles.length} changed file(s); Nx affected: ${result.affectedProjects.join(', ') || 'none'}`
      : `head ${short(range.head)}; no comparison (base requested: ${range.requestedBase ?? 'none'})`,
  );
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (result.images.length === 0) {
    lines.push('images to rebuild: none');
  } else {
    lines.push(`images to rebuild (${result.images.length}): ${result.images.map((image) => image.project).join(', ')}`);
    for (const image of result.images) {
      lines.push(`  ${image.project}  (${image.dockerfile}, context ${image.context})`);
      for (const reason of image.reasons) lines.push(`    - ${reason}`);
    }
  }
  for (const skipped of result.skipped) lines.push(`not rebuilt: ${skipped.project}: ${skipped.reason}`);
  return lines.join('\n');
}

/** The JSON document `--json` / `--output` write; CD reads `.images[].project`. */
export function affectedImagesJson(result: AffectedImagesResult): string {
  const { range } = result;
  return `${JSON.stringify(
    {
      mode: range.mode,
      base: range.mode === 'diff' ? range.base : null,
      requestedBase: range.requestedBase,
      head: range.head,
      notes: result.notes,
      changedFiles: result.changedFiles,
      affectedProjects: result.affectedProjects,
      images: result.images,
      skipped: result.skipped,
    },
    null,
    2,
  )}\n`;
}
