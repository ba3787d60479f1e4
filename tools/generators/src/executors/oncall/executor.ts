import { isAbsolute, join } from 'node:path';
import { type ExecutorContext, logger } from '@nx/devkit';
import { onCallReport } from '@satvach/oncall';
import { ROTATION_FILE } from '@satvach/runbooks';
import { reportFailure } from '../executor-context.ts';

export interface OncallOptions {
  at?: string;
  weeks?: number;
  ics?: string;
  rotation?: string;
}

export const ONCALL_DEFAULTS = { weeks: 4, rotation: ROTATION_FILE } as const;

const fromRoot = (path: string, context: ExecutorContext) => (isAbsolute(path) ? path : join(context.root, path));

/** `nx run runbooks:oncall [--at=<ISO time>] [--weeks=N] [--ics=<file>]`. */
export default async function oncallExecutor(options: OncallOptions, context: ExecutorContext) {
  try {
    const result = onCallReport({
      rotationFile: fromRoot(options.rotation ?? ONCALL_DEFAULTS.rotation, context),
      at: options.at,
      weeks: options.weeks ?? ONCALL_DEFAULTS.weeks,
      icsFile: options.ics === undefined ? undefined : fromRoot(options.ics, context),
      now: new Date(),
    });
    process.stdout.write(`${result.table}\n`);
    if (result.icsFile !== undefined) logger.info(`wrote ${result.icsFile}: ${result.events} shifts over ${options.weeks ?? ONCALL_DEFAULTS.weeks} weeks`);
    return { success: true };
  } catch (error) {
    return reportFailure('oncall', error);
  }
}
