import { Cron } from 'croner';
import { backup, type RunContext } from './backup.ts';
import { findManifest, NotFoundError, readLatest } from './catalog.ts';
import { type BackupConfig } from './config.ts';
import { sendHeartbeat } from './heartbeat.ts';
import { type Manifest } from './manifest.ts';
import { type BackupMetrics } from './metrics.ts';
import { dateOfStamp } from './naming.ts';
import { prune } from './prune.ts';
import { BackupStore } from './store.ts';

export interface JobResult {
  readonly ok: boolean;
  readonly summary: string;
  /** The new backup's manifest, when the backup itself worked (also when prune then failed). */
  readonly manifest?: Manifest;
}

/**
 * What `backup_db.sh` runs: a backup (the writer's key), then retention (the retention identity's key),
 * then the heartbeat — the success ping only when both worked, the failure ping (with the error as body)
 * otherwise. Never throws.
 */
export async function backupJob(config: BackupConfig, context: RunContext, options: { prune?: boolean } = {}): Promise<JobResult> {
  const store = context.store ?? new BackupStore(config.s3);
  let result: JobResult;
  let made: Manifest | undefined;
  try {
    const { manifest } = await backup(config, { ...context, store });
    made = manifest;
    let summary = `backup ${manifest.database} ${manifest.stamp}: ${manifest.size} bytes, sha256 ${manifest.sha256}, ${manifest.tables.length} tables`;
    if (options.prune !== false) {
      const pruned = await prune(config, {}, context).catch((error: unknown) => {
        throw new Error(`${summary}; but prune failed: ${(error as Error).message}`);
      });
      summary += `; prune kept ${pruned.keep.length}, deleted ${pruned.remove.length + pruned.leftovers.length}`;
    }
    result = { ok: true, summary, manifest };
  } catch (error) {
    result = { ok: false, summary: (error as Error).message, ...(made ? { manifest: made } : {}) };
    context.log.error(result.summary);
  }
  await sendHeartbeat(config.heartbeat, result.ok, result.summary, context.log);
  return result;
}

/** The gap between two scheduled runs around `now`: how old the latest backup may be before a run was missed. */
export function scheduleGapMs(cron: string, timezone: string, now: Date): number {
  const job = new Cron(cron, { timezone, paused: true });
  try {
    const [previous] = job.previousRuns(1, now);
    const [next] = job.nextRuns(1, now);
    if (previous === undefined || next === undefined) return Number.POSITIVE_INFINITY;
    return next.getTime() - previous.getTime();
  } finally {
    job.stop();
  }
}

/**
 * Did a scheduled run not happen? True when the newest backup is older than the last scheduled time
 * before `now` (plus a grace of a tenth of the gap, for a run still in progress at that moment).
 */
export function missedRun(latest: Date | undefined, cron: string, timezone: string, now: Date): boolean {
  const job = new Cron(cron, { timezone, paused: true });
  try {
    const [previous] = job.previousRuns(1, now);
    if (previous === undefined) return false;
    const grace = scheduleGapMs(cron, timezone, now) / 10;
    if (now.getTime() - previous.getTime() < grace) return false;
    return latest === undefined || latest.getTime() < previous.getTime();
  } finally {
    job.stop();
  }
}

/**
 * Seeds `metrics` from the newest manifest in the bucket, so a restarted scheduler reports the real age
 * of the last good backup. Call it before the metrics are served: a scrape must never see "never".
 */
export async function seedBackupMetrics(config: BackupConfig, store: BackupStore, metrics: BackupMetrics, log: RunContext['log']): Promise<void> {
  const manifest = await findManifest(config, store).catch((error: unknown) => {
    if (!(error instanceof NotFoundError)) log.warn(`metrics: cannot read the newest manifest: ${(error as Error).message}`);
    return undefined;
  });
  metrics.seed(manifest);
}

/**
 * The backup container's scheduler: runs `backupJob` on the cron schedule, one run at a time (an overrun
 * is logged and reported as a failure). At start, a run the schedule should have made but did not
 * (container down at that time) is reported through the failure heartbeat and made up at once.
 */
export async function runSchedule(config: BackupConfig, context: RunContext, signal?: AbortSignal, options: { metrics?: BackupMetrics } = {}): Promise<void> {
  const { log } = context;
  const store = context.store ?? new BackupStore(config.s3);
  const { cron, timezone } = config.schedule;
  const latest = await readLatest(config, store).catch(() => undefined);
  const now = new Date();
  const job = async () => {
    const result = await backupJob(config, { ...context, store });
    options.metrics?.record(result);
    log.info(`schedule: run ${result.ok ? 'succeeded' : 'FAILED'}; next at ${scheduler.nextRun()?.toISOString() ?? 'never'}`);
  };
  const scheduler = new Cron(cron, {
    timezone,
    protect: () => {
      log.error('schedule: the previous backup is still running at its next scheduled time; this run is skipped');
      void sendHeartbeat(config.heartbeat, false, 'scheduled backup skipped: the previous run was still going', log);
    },
    catch: (error) => log.error(`schedule: ${(error as Error).message}`),
  }, job);
  log.info(`schedule: "${cron}" (${timezone}); next run at ${scheduler.nextRun()?.toISOString() ?? 'never'}`);
  if (missedRun(latest === undefined ? undefined : dateOfStamp(latest.stamp), cron, timezone, now)) {
    const message = `schedule: a scheduled backup was missed (latest backup: ${latest?.stamp ?? 'none'}); running one now`;
    log.warn(message);
    await sendHeartbeat(config.heartbeat, false, message, log);
    await scheduler.trigger();
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      scheduler.stop();
      log.info('schedule: stopped');
      resolve();
    };
    if (signal?.aborted === true) stop();
    signal?.addEventListener('abort', stop, { once: true });
  });
}
