import { resolve } from 'node:path';
import { type ExecutorContext, logger } from '@nx/devkit';
import { loadStackEnv } from '@satvach/compose';
import { diagnose, isFailing, parseChecks, renderResults, stackTargets, THRESHOLDS } from '@satvach/diagnose';
import { run } from '@satvach/exec';
import { reportFailure } from '../executor-context.ts';

export interface DiagnoseOptions {
  check?: string;
  envFile?: string;
  projectName?: string;
  maxDiskUsedPercent?: number;
  maxCpuBusyPercent?: number;
  maxBackupAgeHours?: number;
  docker?: string;
}

export const DIAGNOSE_DEFAULTS = {
  envFile: 'docker/.env',
  projectName: 'satvach',
  maxDiskUsedPercent: THRESHOLDS.diskUsedPercent,
  maxCpuBusyPercent: THRESHOLDS.cpuBusyPercent,
  maxBackupAgeHours: THRESHOLDS.backupStaleSeconds / 3600,
} as const;

/** `nx run stack:diagnose [--check=db|storage|edge|backend|disk|host|tunnel|backup] [--envFile] [--projectName]`. */
export default async function diagnoseExecutor(given: DiagnoseOptions, context: ExecutorContext) {
  const options = { ...DIAGNOSE_DEFAULTS, ...given };
  try {
    const checks = parseChecks(options.check);
    // The env stack:up read, read the same way (the process environment wins, as with compose).
    const loaded = loadStackEnv({ envFile: resolve(context.root, options.envFile), processEnv: process.env });
    const results = await diagnose({
      targets: stackTargets(loaded),
      projectName: options.projectName,
      docker: options.docker ?? process.env.SATVACH_DOCKER_CLIENT ?? 'docker',
      checks,
      maxDiskUsedPercent: options.maxDiskUsedPercent,
      maxCpuBusyPercent: options.maxCpuBusyPercent,
      maxBackupAgeHours: options.maxBackupAgeHours,
      secrets: loaded.secrets,
      run,
    });
    process.stdout.write(`${renderResults(results)}\n`);
    const failing = results.filter((result) => result.status === 'FAILING');
    if (failing.length > 0) logger.error(`${failing.length} check${failing.length === 1 ? '' : 's'} failing: open the runbook named in its row`);
    return { success: !isFailing(results) };
  } catch (error) {
    return reportFailure('diagnose', error);
  }
}
