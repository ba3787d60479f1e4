import { type ExecutorContext } from '@nx/devkit';
import { formatCatalog, listAcross, readLatest, targetsOf } from '@satvach/backup';
import { reportFailure } from '../executor-context.ts';
import { configFor } from '../backup/executor.ts';

export interface BackupListOptions {
  json?: boolean;
  envFile?: string;
}

export const BACKUP_LIST_DEFAULTS = { json: false } as const;

export default async function backupListExecutor(options: BackupListOptions, context: ExecutorContext) {
  try {
    const config = configFor(options.envFile, context);
    // Every configured target (primary, replica): a column each, so a missing off-host copy shows.
    const stores = targetsOf(config, {});
    const [entries, latest] = await Promise.all([listAcross(config, stores), readLatest(config, stores[0])]);
    const json = options.json ?? BACKUP_LIST_DEFAULTS.json;
    process.stdout.write(json ? `${JSON.stringify({ latest: latest?.stamp ?? null, backups: entries }, null, 2)}\n` : `${formatCatalog(entries, latest?.stamp)}\n`);
    return { success: true };
  } catch (error) {
    return reportFailure('backup-list', error);
  }
}
