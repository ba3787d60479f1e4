import { type MonthCost, priceMonth } from './cost.ts';
import { sendReport, type SmtpSettings } from './email.ts';
import { assertComplete, lastCompleteMonth, type Month, parseMonth, previousMonth } from './month.ts';
import { loadPrices } from './prices.ts';
import { prometheusClient } from './prometheus.ts';
import { buildReport, renderHtml, renderMarkdown, type Report } from './render.ts';
import { collectUsage, requireHost, type UsageOptions } from './usage.ts';
import { writeFilesAtomically } from './write.ts';

export interface CostReportRequest extends UsageOptions {
  /** `YYYY-MM`; default: the last complete month in UTC. */
  readonly month?: string;
  readonly prometheusUrl: string;
  readonly pricesFile: string;
  readonly outputDir: string;
  /** Email the report through these settings; undefined: write files only. */
  readonly smtp?: SmtpSettings;
  readonly now?: Date;
}

export interface CostReportResult {
  readonly report: Report;
  readonly markdown: string;
  readonly html: string;
  readonly files: readonly string[];
  /** The message id when emailed. */
  readonly messageId: string | undefined;
}

export const reportFileNames = (month: Month) => ({ markdown: `cost-report-${month.id}.md`, html: `cost-report-${month.id}.html` });

/**
 * The monthly report: validates the month and the prices before asking Prometheus anything, prices the
 * month and the one before, writes Markdown and HTML atomically, then emails them when asked.
 */
export async function costReport(request: CostReportRequest): Promise<CostReportResult> {
  const now = request.now ?? new Date();
  const month = request.month === undefined ? lastCompleteMonth(now) : parseMonth(request.month);
  assertComplete(month, now);
  const prices = loadPrices(request.pricesFile);
  const client = prometheusClient(request.prometheusUrl);
  const usage = await collectUsage(client, month, request);
  const current = priceMonth(usage, requireHost(usage, client.url), prices);
  const before = await collectUsage(client, previousMonth(month), request);
  const previous: MonthCost | undefined = before.host === undefined ? undefined : priceMonth(before, before.host, prices);
  const report = buildReport(current, previous, { prometheusUrl: request.prometheusUrl, pricesFile: request.pricesFile });
  const markdown = renderMarkdown(report);
  const html = renderHtml(report);
  const names = reportFileNames(month);
  const files = writeFilesAtomically(request.outputDir, { [names.markdown]: markdown, [names.html]: html });
  let messageId: string | undefined;
  if (request.smtp !== undefined) {
    const change = report.total.previous === undefined ? '' : ` (${report.total.delta >= 0 ? '+' : '−'}${Math.abs(report.total.delta).toFixed(2)} vs ${previous?.month.id})`;
    messageId = await sendReport(request.smtp, {
      subject: `SatVach cost report ${month.id}: ${current.total.toFixed(2)} ${current.currency}${change}`,
      html,
      text: markdown,
      attachmentName: names.html,
    });
  }
  return { report, markdown, html, files, messageId };
}
