export { isFullGitSha } from './sha.ts';
export { parseGitOutputs, stripCredentials, type GitFacts, type GitOutputs } from './parse.ts';
export { GIT_COMMANDS, gitEnvFromProcess, readGitContext, type ReadGitContextOptions } from './read.ts';
export {
  FALLBACK_DEFAULT_BRANCH,
  GIT_ENV_KEYS,
  resolveRef,
  type GitContext,
  type GitEnv,
  type ResolveOptions,
} from './resolve.ts';
