import { isAbsolute, join } from 'node:path';
import { type ExecutorContext, logger } from '@nx/devkit';
import { costReport, SMTP_KEYS, type SmtpSettings, smtpSettingsFrom } from '@satvach/cost-report';
import { readEnvFile } from '@satvach/exec';
import { reportFailure } from '../executor-context.ts';

export interface CostReportOptions {
  month?: string;
  prometheusUrl?: string;
  pricesFile?: string;
  outputDir?: string;
  email?: boolean;
  envFile?: string;
}

export const COST_REPORT_DEFAULTS = {
  prometheusUrl: 'http://127.0.0.1:9090',
  pricesFile: 'docker/monitoring/prices.json',
  outputDir: 'dist/cost-report',
  email: false,
  envFile: 'docker/.env',
} as const;

const fromRoot = (path: string, context: ExecutorContext) => (isAbsolute(path) ? path : join(context.root, path));

/** The alert SMTP keys from the stack env file, the process environment winning (as with compose). */
export function alertSmtpEnv(envFile: string, processEnv: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const fromFile = readEnvFile(envFile, { missing: 'empty' });
  return Object.fromEntries(Object.values(SMTP_KEYS).map((key) => [key, processEnv[key] || fromFile[key]]));
}

export default async function costReportExecutor(options: CostReportOptions, context: ExecutorContext) {
  try {
    const envFile = fromRoot(options.envFile ?? COST_REPORT_DEFAULTS.envFile, context);
    // Checked before Prometheus is asked, so a bad SMTP setting fails at once, not after the report.
    const smtp: SmtpSettings | undefined = (options.email ?? COST_REPORT_DEFAULTS.email) ? smtpSettingsFrom(alertSmtpEnv(envFile, process.env), `${envFile} and the environment`) : undefined;
    const result = await costReport({
      month: options.month,
      prometheusUrl: options.prometheusUrl ?? COST_REPORT_DEFAULTS.prometheusUrl,
      pricesFile: fromRoot(options.pricesFile ?? COST_REPORT_DEFAULTS.pricesFile, context),
      outputDir: fromRoot(options.outputDir ?? COST_REPORT_DEFAULTS.outputDir, context),
      smtp,
    });
    const { current } = result.report;
    logger.info(`cost report ${current.month.id}: ${current.total.toFixed(2)} ${current.currency}; wrote ${result.files.join(', ')}`);
    if (smtp !== undefined) logger.info(`emailed to ${smtp.to.join(', ')} (message ${result.messageId ?? '?'})`);
    return { success: true };
  } catch (error) {
    return reportFailure('cost-report', error);
  }
}
