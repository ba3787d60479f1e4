import { isAbsolute, join } from 'node:path';
import { type ExecutorContext } from '@nx/devkit';
import { backupJob, loadConfigFrom, type BackupConfig } from '@satvach/backup';
import { nxLogger, reportFailure } from '../executor-context.ts';

export interface BackupOptions {
  envFile?: string;
  prune?: boolean;
}

export const BACKUP_DEFAULTS = { prune: false } as const;

/** The configuration from `envFile` (relative to the workspace root) or from the environment. */
export function configFor(envFile: string | undefined, context: ExecutorContext): BackupConfig {
  return loadConfigFrom(envFile === undefined || isAbsolute(envFile) ? envFile : join(context.root, envFile));
}

export default async function backupExecutor(options: BackupOptions, context: ExecutorContext) {
  try {
    const config = configFor(options.envFile, context);
    const result = await backupJob(config, { log: nxLogger, tty: process.stderr.isTTY === true }, { prune: options.prune ?? BACKUP_DEFAULTS.prune });
    return { success: result.ok };
  } catch (error) {
    return reportFailure('backup', error);
  }
}
