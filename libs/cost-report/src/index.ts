export { compareMonths, type Change, type CostParts, type MonthCost, OUTSIDE_CONTAINERS, priceMonth, type ServiceCost, topGrowth } from './cost.ts';
export { sendReport, SMTP_KEYS, type SmtpSettings, smtpSettingsFrom } from './email.ts';
export { assertComplete, lastCompleteMonth, type Month, parseMonth, previousMonth } from './month.ts';
export { loadPrices, parsePrices, type Prices, PricesError, PricesSchema } from './prices.ts';
export { prometheusClient, type PrometheusClient, PrometheusError, type Sample } from './prometheus.ts';
export { buildReport, OBJECT_STORAGE, renderHtml, renderMarkdown, type Report } from './render.ts';
export { costReport, type CostReportRequest, type CostReportResult, reportFileNames } from './report.ts';
export { collectUsage, type HostUsage, type MonthUsage, type ResourceUsage, USAGE_DEFAULTS, usageQueries, type UsageOptions, type UsageQueries } from './usage.ts';
export { writeFilesAtomically } from './write.ts';
