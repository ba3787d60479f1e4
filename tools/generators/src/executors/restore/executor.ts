import { type ExecutorContext } from '@nx/devkit';
import { DEFAULT_RESTORE_JOBS, restore } from '@satvach/backup';
import { nxLogger, reportFailure } from '../executor-context.ts';
import { configFor } from '../backup/executor.ts';

export interface RestoreOptions {
  database: string;
  timestamp?: string;
  force?: boolean;
  jobs?: number;
  envFile?: string;
}

export const RESTORE_DEFAULTS = { force: false, jobs: DEFAULT_RESTORE_JOBS } as const;

export default async function restoreExecutor(options: RestoreOptions, context: ExecutorContext) {
  try {
    const config = configFor(options.envFile, context);
    await restore(
      config,
      { target: options.database, stamp: options.timestamp, force: options.force ?? RESTORE_DEFAULTS.force, jobs: options.jobs ?? RESTORE_DEFAULTS.jobs },
      { log: nxLogger, tty: process.stderr.isTTY === true },
    );
    return { success: true };
  } catch (error) {
    return reportFailure('restore', error);
  }
}
