import { type ExecutorContext } from '@nx/devkit';
import { prune } from '@satvach/backup';
import { nxLogger, reportFailure } from '../executor-context.ts';
import { configFor } from '../backup/executor.ts';

export interface BackupPruneOptions {
  dryRun?: boolean;
  envFile?: string;
}

export const BACKUP_PRUNE_DEFAULTS = { dryRun: false } as const;

export default async function backupPruneExecutor(options: BackupPruneOptions, context: ExecutorContext) {
  try {
    const config = configFor(options.envFile, context);
    await prune(config, { dryRun: options.dryRun ?? BACKUP_PRUNE_DEFAULTS.dryRun }, { log: nxLogger });
    return { success: true };
  } catch (error) {
    return reportFailure('backup-prune', error);
  }
}
