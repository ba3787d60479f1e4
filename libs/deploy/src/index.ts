export { analyseWindow, type EdgeRequest, parseEdgeLog, percentile, portOf, type Verdict, type VersionStats, type WindowAnalysis } from './analysis.ts';
export {
  type AnalysisConfig,
  type Colour,
  COLOURS,
  containerNameOf,
  type DeployConfig,
  DeployConfigError,
  type Hardening,
  healthUrl,
  isHostNetwork,
  loadDeployConfig,
  lockFileOf,
  memoryBytes,
  otherColour,
  parseDeployConfig,
  stateFileOf,
  upstreamAddress,
  upstreamFileOf,
} from './config.ts';
export { type CommandOptions, deploy, type DeployDeps, DeployError, type DeployRequest, type DeployResult, promote, rollback, status, type Strategy } from './deploy.ts';
export { type ContainerFacts, DockerHost, type ImageFacts, connectArgs, createColourArgs, hardeningArgs } from './docker.ts';
export { type EdgeLogLine, parseEdgeLogLines } from './edge-log.ts';
export { envFileProblems } from './envfile.ts';
export { describeShares, EdgeConfigError, parseWorkers, reloadSettled, renderShares, type Shares, switchUpstream, type SwitchOutcome, type WorkerProcess } from './edge.ts';
export { acquireLock, type DeployLock, DeployLockedError, type LockHolder } from './lock.ts';
export { type DeployState, DeployStateError, loadState, type Release, saveState } from './state.ts';
export { renderUpstream, type UpstreamServer, type UpstreamSpec } from './upstream.ts';
