import { isAbsolute, join } from 'node:path';
import { type ExecutorContext } from '@nx/devkit';
import { oncallRotationSetting } from '@satvach/compose';
import { onCallReport } from '@satvach/oncall';
import { nxLogger, reportFailure } from '../executor-context.ts';

export interface OncallOptions {
  at?: string;
  weeks?: number;
  ics?: string;
  rotation?: string;
  envFile?: string;
}

// No default rotation here: without --rotation it is the one stack:up pages from (SATVACH_ONCALL_ROTATION).
export const ONCALL_DEFAULTS = { weeks: 4, envFile: 'docker/.env' } as const;

const fromRoot = (path: string, context: ExecutorContext) => (isAbsolute(path) ? path : join(context.root, path));

/** `nx run runbooks:oncall [--at=<ISO time>] [--weeks=N] [--ics=<file>]`. */
export default async function oncallExecutor(options: OncallOptions, context: ExecutorContext) {
  try {
    const result = onCallReport({
      rotationFile: fromRoot(options.rotation ?? oncallRotationSetting(fromRoot(options.envFile ?? ONCALL_DEFAULTS.envFile, context), process.env), context),
      at: options.at,
      weeks: options.weeks ?? ONCALL_DEFAULTS.weeks,
      icsFile: options.ics === undefined ? undefined : fromRoot(options.ics, context),
      now: new Date(),
    });
    nxLogger.info(result.table);
    if (result.icsFile !== undefined) nxLogger.info(`wrote ${result.icsFile}: ${result.events} shifts over ${options.weeks ?? ONCALL_DEFAULTS.weeks} weeks`);
    return { success: true };
  } catch (error) {
    return reportFailure('oncall', error);
  }
}
