export { backup, BackupError, targetsOf, type BackupResult, type RunContext } from './backup.ts';
export { findManifest, listAcross, listBackups, NotFoundError, readLatest, type CatalogEntry, type Presence, type TargetedEntry } from './catalog.ts';
export {
  CONFIG_KEYS,
  ConfigError,
  DEFAULTS,
  loadConfig,
  loadConfigFrom,
  pruneTarget,
  type BackupConfig,
  type ConfigKey,
  type DatabaseConfig,
  type RetentionPolicy,
  type S3Config,
} from './config.ts';
export { compareWithManifest, DRILL_SOURCES, drillDatabaseName, restoreDrill, sourceStore, type Check, type DrillContext, type DrillOptions, type DrillSource } from './drill.ts';
export { sendHeartbeat, type Heartbeat } from './heartbeat.ts';
export { backupJob, missedRun, runSchedule, seedBackupMetrics, type JobResult } from './job.ts';
export { BackupMetrics, DEFAULT_METRICS_LISTEN, parseListen, serveMetrics } from './metrics.ts';
export { manifestSchema, type DrillRecord, type LatestPointer, type Manifest } from './manifest.ts';
export { backupKeys, latestKey, stampOf } from './naming.ts';
export { DEFAULT_PG_TOOLS, dumpCommand, restoreCommand, type PgTools } from './postgres.ts';
export { prune, type PruneResult } from './prune.ts';
export { formatCatalog } from './report.ts';
export { planRetention, type RetentionCandidate, type RetentionPlan } from './retention.ts';
export { DEFAULT_RESTORE_JOBS, restore, RestoreError, type RestoreOptions, type RestoreResult } from './restore.ts';
export { LOCAL_SERVICES_SCRIPT, scratchCommands, ScratchServerError, startScratchServer, type ScratchOptions, type ScratchServer } from './scratch.ts';
export { BackupStore, describeS3Error, s3ClientConfig, StoreError } from './store.ts';
