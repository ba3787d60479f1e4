export {
  BUILD_ENGINES,
  buildArgv,
  loginArgv,
  pushArgv,
  type BuildEngine,
  type BuildInvocation,
  type BuildSecret,
  type BuildSpec,
  type DockerInvocation,
} from './argv.ts';
export { DEFAULT_DOCKER_HOST, detectEngine, ensureEngineReachable, type EngineOptions } from './engine.ts';
export { imageLabels, sourceUrl, type ImageLabelsInput } from './labels.ts';
export { IMAGE_MANIFEST_DIR, ImageManifest, imageManifestPath, readImageManifest, writeImageManifest } from './manifest.ts';
export {
  InvalidReferenceError,
  parseImageRef,
  registryHost,
  validateImageRef,
  validateRegistry,
  validateRepository,
  validateTag,
} from './reference.ts';
export { registryFromEnv, type RegistrySource, type ResolvedRegistry } from './registry.ts';
export { isTransientRegistryError } from './retry.ts';
export { imageTags, sanitizeBranch, semverTags, type ImageTag, type ImageTagsInput, type TagGitFacts, type TagReason } from './tags.ts';
export { buildImage, type BuildImageRequest } from './build-image.ts';
export { pushedDigest, pushImage, registryCredentials, type PushImageRequest, type RegistryCredentials } from './push-image.ts';
