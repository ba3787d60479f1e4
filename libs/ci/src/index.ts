export { affectedImages, type AffectedImagesRequest, type AffectedImagesResult } from './affected-images.ts';
export { affectedImagesJson, formatAffectedImages } from './format.ts';
export {
  allImages,
  buildSees,
  computeImageSet,
  IMAGE_TARGET,
  NPM_LOCKFILE,
  type AffectedImage,
  type GraphDependency,
  type GraphProject,
  type ImageSet,
  type ImageSetInput,
  type SkippedImage,
  type WorkspaceGraph,
} from './image-set.ts';
export { NX_COMMANDS, NX_ENV, nxCommand, parseGraphFile, readAffectedProjects, readWorkspaceGraph } from './nx.ts';
export { changedFiles, RANGE_COMMANDS, resolveRange, type RangeRequest, type ResolvedRange } from './range.ts';
export {
  checkSecuritySla,
  CRITICAL_LABELS,
  fetchOpenPullRequests,
  formatSlaReport,
  parsePullRequests,
  PullRequest,
  SECURITY_LABEL,
  SECURITY_SLA_HOURS,
  type FetchPullsOptions,
  type SlaReport,
  type SlaViolation,
} from './security-sla.ts';
export { loadReleaseManifest, readReleaseManifest, releasedImageRef, releaseManifest, type ReleaseManifest } from './release-manifest.ts';
