import { type ExecutorContext, logger } from '@nx/devkit';
import { DEFAULT_LIMIT, formatEntries, type LogsFilter, queryLogs } from '@satvach/logs';
import { reportFailure } from '../executor-context.ts';

export interface LogsOptions extends LogsFilter {
  url?: string;
}

export const LOGS_DEFAULTS = { url: 'http://127.0.0.1:9428', limit: DEFAULT_LIMIT } as const;

/** `nx run stack:logs [--service=…] [--request-id=…] [--since=…] [--level=…] [--query=<LogsQL>] [--limit=…]`. */
export default async function logsExecutor(options: LogsOptions, _context: ExecutorContext) {
  try {
    const { url = LOGS_DEFAULTS.url, ...filter } = options;
    const entries = await queryLogs(url, filter);
    for (const line of formatEntries(entries)) process.stdout.write(`${line}\n`);
    if (entries.length === 0) logger.info('no matching lines');
    return { success: true };
  } catch (error) {
    return reportFailure('logs', error);
  }
}
