import { type ExecutorContext } from '@nx/devkit';
import { DEFAULT_RESTORE_JOBS, restoreDrill, type DrillSource } from '@satvach/backup';
import { nxLogger, reportFailure } from '../executor-context.ts';
import { configFor } from '../backup/executor.ts';

export interface RestoreDrillOptions {
  timestamp?: string;
  keep?: boolean;
  jobs?: number;
  envFile?: string;
  from?: DrillSource;
}

export const RESTORE_DRILL_DEFAULTS = { keep: false, jobs: DEFAULT_RESTORE_JOBS, from: 'primary' } as const;

export default async function restoreDrillExecutor(options: RestoreDrillOptions, context: ExecutorContext) {
  try {
    const config = configFor(options.envFile, context);
    const record = await restoreDrill(
      config,
      {
        stamp: options.timestamp,
        keep: options.keep ?? RESTORE_DRILL_DEFAULTS.keep,
        jobs: options.jobs ?? RESTORE_DRILL_DEFAULTS.jobs,
        from: options.from ?? RESTORE_DRILL_DEFAULTS.from,
      },
      { log: nxLogger, tty: process.stderr.isTTY === true },
    );
    return { success: record.ok };
  } catch (error) {
    return reportFailure('restore-drill', error);
  }
}
