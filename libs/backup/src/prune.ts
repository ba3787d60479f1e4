import { type RunContext } from './backup.ts';
import { listBackups, readLatest, type CatalogEntry } from './catalog.ts';
import { pruneTarget, type BackupConfig } from './config.ts';
import { planRetention, type RetentionDecision } from './retention.ts';
import { BackupStore } from './store.ts';

export interface PruneResult {
  readonly keep: readonly RetentionDecision[];
  readonly remove: readonly RetentionDecision[];
  /** Dumps without a manifest (a run that died between upload and manifest), older than the floor. */
  readonly leftovers: readonly string[];
  readonly deletedKeys: readonly string[];
}

/**
 * Applies the GFS policy to the complete backups on the primary target. `latest.json`'s backup is always
 * kept, and leftovers of failed runs are removed once older than the floor. With `dryRun` it only
 * reports. It runs as the retention identity (SATVACH_BACKUP_PRUNE_S3_*), the only key allowed to
 * delete, and refuses to start without it. The replica is never pruned from here: its key cannot delete
 * either, and its retention is the bucket's lifecycle rule.
 */
export async function prune(config: BackupConfig, options: { dryRun?: boolean }, context: Omit<RunContext, 'store'> & { retentionStore?: BackupStore }): Promise<PruneResult> {
  const { log } = context;
  const store = context.retentionStore ?? new BackupStore(pruneTarget(config));
  const now = (context.now ?? (() => new Date()))();
  const entries = await listBackups(config, store);
  const latest = await readLatest(config, store);
  const complete = entries.filter((entry) => entry.complete);
  const plan = planRetention(
    complete.map((entry) => ({ stamp: entry.stamp, date: entry.date, verified: entry.drill?.ok === true })),
    config.retention,
    now,
  );
  const keep = [...plan.keep];
  const remove = plan.remove.filter((decision) => {
    if (decision.stamp !== latest?.stamp) return true;
    keep.push({ stamp: decision.stamp, reasons: ['latest'] });
    return false;
  });
  const floor = now.getTime() - config.retention.minAgeHours * 3_600_000;
  const leftovers = entries.filter((entry) => !entry.complete && entry.date.getTime() < floor);
  const byStamp = new Map<string, CatalogEntry>(entries.map((entry) => [entry.stamp, entry]));
  const keys = [...remove.flatMap((decision) => byStamp.get(decision.stamp)?.objects ?? []), ...leftovers.flatMap((entry) => entry.objects)];

  const verb = options.dryRun === true ? 'would delete' : 'deleting';
  for (const decision of keep) log.info(`prune: keep   ${decision.stamp} (${decision.reasons.join(', ')})`);
  for (const decision of remove) log.info(`prune: ${verb} ${decision.stamp}`);
  for (const entry of leftovers) log.info(`prune: ${verb} ${entry.stamp} (incomplete: no manifest)`);
  if (options.dryRun !== true) await store.delete(keys);
  log.info(`prune: ${keep.length} kept, ${remove.length + leftovers.length} ${options.dryRun === true ? 'would go (dry run)' : 'deleted'}`);
  return { keep, remove, leftovers: leftovers.map((entry) => entry.stamp), deletedKeys: options.dryRun === true ? [] : keys };
}
