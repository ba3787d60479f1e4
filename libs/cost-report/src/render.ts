import { type Change, compareMonths, type MonthCost, topGrowth } from './cost.ts';

/** Everything the Markdown and the HTML page show. */
export interface Report {
  readonly current: MonthCost;
  readonly previous: MonthCost | undefined;
  readonly changes: readonly Change[];
  readonly total: Change;
  readonly growth: readonly Change[];
  readonly prometheusUrl: string;
  readonly pricesFile: string;
}

export const OBJECT_STORAGE = 'object storage';

export function buildReport(current: MonthCost, previous: MonthCost | undefined, source: { prometheusUrl: string; pricesFile: string }): Report {
  const withStorage = (cost: MonthCost) => ({ ...cost, rows: [...cost.rows, { service: OBJECT_STORAGE, usage: { cpuCoreHours: 0, memoryGbHours: 0, diskGbMonths: 0, egressGb: 0 }, cost: { cpu: 0, memory: 0, disk: 0, egress: 0, total: cost.objectStorage.cost }, share: 0 }] });
  const { rows, total } = compareMonths(withStorage(current), previous === undefined ? undefined : withStorage(previous));
  return { current, previous, changes: rows, total, growth: topGrowth(rows), ...source };
}

const number = (value: number, digits = 2) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
const signed = (value: number, digits = 2) => `${value >= 0 ? '+' : '−'}${number(Math.abs(value), digits)}`;
const days = (cost: MonthCost) => cost.month.hours / 24;
const lastDay = (cost: MonthCost) => new Date(cost.month.endMs - 1).toISOString().slice(0, 10);

function changeText(change: Change | undefined, currency: string): string {
  if (change === undefined || change.previous === undefined) return change?.current ? `${signed(change.current)} ${currency} (new)` : '—';
  const relative = change.previous > 0 ? ` (${signed((change.delta / change.previous) * 100, 1)} %)` : '';
  return `${signed(change.delta)} ${currency}${relative}`;
}

interface Row {
  readonly name: string;
  readonly cells: readonly string[];
}

/** The per-service table as rows of formatted cells (shared by Markdown and HTML). */
function serviceTable(report: Report): { header: string[]; rows: Row[] } {
  const { current, previous } = report;
  const change = new Map(report.changes.map((entry) => [entry.service, entry]));
  const header = ['Service', 'CPU core-h', 'Memory GB-h', 'Disk GB-months', 'Egress GB', `Cost (${current.currency})`, 'Share', previous ? `${previous.month.id} (${current.currency})` : 'Previous', 'Change'];
  const rows: Row[] = current.rows.map((row) => {
    const entry = change.get(row.service);
    return {
      name: row.service,
      cells: [row.service, number(row.usage.cpuCoreHours), number(row.usage.memoryGbHours), number(row.usage.diskGbMonths, 3), number(row.usage.egressGb, 3), number(row.cost.total), percent(row.share), entry?.previous === undefined ? '—' : number(entry.previous), changeText(entry, current.currency)],
    };
  });
  const storage = current.objectStorage;
  const storageChange = change.get(OBJECT_STORAGE);
  rows.push({
    name: OBJECT_STORAGE,
    cells: [OBJECT_STORAGE, '—', '—', storage.usage ? number(storage.usage.storageGbMonths, 3) : 'no data', storage.usage ? number(storage.usage.egressGb, 3) : 'no data', number(storage.cost), percent(current.total > 0 ? storage.cost / current.total : 0), storageChange?.previous === undefined ? '—' : number(storageChange.previous), changeText(storageChange, current.currency)],
  });
  rows.push({ name: 'total', cells: ['**total**', '', '', '', '', `**${number(current.total)}**`, '100.0 %', previous ? number(previous.total) : '—', changeText(report.total, current.currency)] });
  return { header, rows };
}

function hostTable(cost: MonthCost): { header: string[]; rows: string[][] } {
  const { host } = cost;
  const utilisation = (used: number, capacity: number) => (capacity > 0 ? percent(used / capacity) : '—');
  return {
    header: ['Host', 'Used', 'Capacity', 'Utilisation', `Pool (${cost.currency})`],
    rows: [
      ['CPU core-hours', number(host.cpuCoreHours), number(host.capacity.cpuCoreHours), utilisation(host.cpuCoreHours, host.capacity.cpuCoreHours), number(cost.pools.cpu)],
      ['Memory GB-hours', number(host.memoryGbHours), number(host.capacity.memoryGbHours), utilisation(host.memoryGbHours, host.capacity.memoryGbHours), number(cost.pools.memory)],
      ['Disk GB-months', number(host.diskGbMonths, 3), number(host.capacity.diskGbMonths, 3), utilisation(host.diskGbMonths, host.capacity.diskGbMonths), number(cost.pools.disk)],
      ['Egress GB', number(host.egressGb, 3), '—', '—', number(cost.pools.egress)],
    ],
  };
}

const METHOD = [
  'Usage comes from Prometheus at the month\'s last millisecond over a window of exactly the month (UTC, 28–31 days), so the month\'s bounds are exact: samples of [first day 00:00, next month 00:00).',
  'CPU and egress are counters read with increase(), which carries a counter across restarts (resets) and extrapolates at most one scrape interval at the window\'s edges.',
  'Memory and disk are gauges integrated over time (a 1-minute subquery): a service that ran half the month counts half the month. GB = 10^9 bytes; disk GB-months = average GB stored over the month.',
  'Services are the compose services of the containers (cAdvisor\'s name label satvach-<service>-<n>); the host is node-exporter (filesystems other than tmpfs/overlay, interfaces other than lo/veth/docker).',
  'The host\'s bill is split into CPU, memory, disk and egress pools (a flat monthly price × host.split, or the host\'s use × the per-unit prices); each pool is shared in proportion to each service\'s use of that resource; the host\'s use outside the stack\'s containers (the OS, other processes) keeps its own row. Object storage is billed on its own line.',
];

/** The report as Markdown (also the email's text part). */
export function renderMarkdown(report: Report): string {
  const { current, previous } = report;
  const lines: string[] = [];
  lines.push(`# SatVach resource and cost report — ${current.month.id}`, '');
  lines.push(`${current.month.id}-01 to ${lastDay(current)} (${days(current)} days, UTC) · Prometheus ${report.prometheusUrl} · prices ${report.pricesFile} (${current.currency})`, '');
  const comparison = previous ? `; ${previous.month.id}: ${number(previous.total)} ${current.currency}, ${changeText(report.total, current.currency)}` : '; no data for the previous month';
  lines.push(`**Total: ${number(current.total)} ${current.currency}**${comparison}`, '');
  const table = serviceTable(report);
  lines.push('## Per service', '', `| ${table.header.join(' | ')} |`, `|${table.header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of table.rows) lines.push(`| ${row.cells.join(' | ')} |`);
  const host = hostTable(current);
  lines.push('', '## Host', '', `| ${host.header.join(' | ')} |`, `|${host.header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of host.rows) lines.push(`| ${row.join(' | ')} |`);
  lines.push('', '## Top growth', '');
  if (!previous) lines.push('No data for the previous month to compare with.');
  else if (report.growth.length === 0) lines.push(`No service cost more than in ${previous.month.id}.`);
  else report.growth.forEach((change, index) => lines.push(`${index + 1}. ${change.service}: ${changeText(change, current.currency)}`));
  if (current.notes.length > 0) lines.push('', '## Notes', '', ...current.notes.map((note) => `- ${note}`));
  lines.push('', '## Method', '', ...METHOD.map((line) => `- ${line}`), '');
  return lines.join('\n');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const PALETTE = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#319795', '#b7791f', '#e53e3e', '#4a5568', '#718096'];

interface Bar {
  readonly value: number;
  readonly color: string;
  readonly title: string;
}

/** A horizontal bar chart: one group of bars per label. Pure SVG, no script, no external font. */
function barChart(title: string, groups: readonly { label: string; bars: readonly Bar[]; text: string }[]): string {
  const labelWidth = 190;
  const plotWidth = 420;
  const textWidth = 170;
  const barHeight = 16;
  const groupGap = 10;
  const max = Math.max(...groups.flatMap((group) => group.bars.map((bar) => Math.abs(bar.value))), 0) || 1;
  let y = 28;
  const parts: string[] = [];
  for (const group of groups) {
    const height = group.bars.length * barHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + height / 2 + 4}" text-anchor="end">${escapeHtml(group.label)}</text>`);
    group.bars.forEach((bar, index) => {
      const width = Math.max(1, (Math.abs(bar.value) / max) * plotWidth);
      parts.push(`<rect x="${labelWidth}" y="${y + index * barHeight}" width="${width.toFixed(1)}" height="${barHeight - 3}" fill="${bar.color}"><title>${escapeHtml(bar.title)}</title></rect>`);
    });
    parts.push(`<text x="${labelWidth + plotWidth + 8}" y="${y + height / 2 + 4}">${escapeHtml(group.text)}</text>`);
    y += height + groupGap;
  }
  const width = labelWidth + plotWidth + textWidth;
  return `<svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${y + 4}" viewBox="0 0 ${width} ${y + 4}" font-size="12"><text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${parts.join('')}</svg>`;
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string, tag: 'td' | 'th') => `<${tag}>${escapeHtml(text.replace(/\*\*/g, ''))}</${tag}>`;
  // Markdown's bold first cell marks the total row.
  const tr = (row: readonly string[]) => `<tr${row[0]?.startsWith('**') ? ' class="total"' : ''}>${row.map((text) => cell(text, 'td')).join('')}</tr>`;
  return `<table><thead><tr>${header.map((text) => cell(text, 'th')).join('')}</tr></thead><tbody>${rows.map(tr).join('')}</tbody></table>`;
}

/** The report as one self-contained HTML page: inline CSS and SVG charts, nothing fetched. */
export function renderHtml(report: Report): string {
  const { current, previous } = report;
  const currency = current.currency;
  const colors = new Map(report.changes.map((change, index) => [change.service, PALETTE[index % PALETTE.length] as string]));
  const billed = report.changes.filter((change) => change.current > 0 || (change.previous ?? 0) > 0);
  const share = barChart(
    `Share of the ${current.month.id} bill (${number(current.total)} ${currency})`,
    billed.filter((change) => change.current > 0).map((change) => ({
      label: change.service,
      bars: [{ value: change.current, color: colors.get(change.service) ?? '#888', title: `${change.service}: ${number(change.current)} ${currency}` }],
      text: `${number(change.current)} ${currency} · ${percent(current.total > 0 ? change.current / current.total : 0)}`,
    })),
  );
  const versus = previous
    ? barChart(
        `${current.month.id} against ${previous.month.id} (${currency}; grey: ${previous.month.id})`,
        billed.map((change) => ({
          label: change.service,
          bars: [
            { value: change.previous ?? 0, color: '#a0aec0', title: `${previous.month.id}: ${number(change.previous ?? 0)} ${currency}` },
            { value: change.current, color: colors.get(change.service) ?? '#888', title: `${current.month.id}: ${number(change.current)} ${currency}` },
          ],
          text: changeText(change, currency),
        })),
      )
    : '<p>No data for the previous month to compare with.</p>';
  const growth =
    previous && report.growth.length > 0
      ? barChart(
          `Top growth since ${previous.month.id} (${currency})`,
          report.growth.map((change) => ({ label: change.service, bars: [{ value: change.delta, color: '#e53e3e', title: `${signed(change.delta)} ${currency}` }], text: changeText(change, currency) })),
        )
      : `<p>${previous ? `No service cost more than in ${escapeHtml(previous.month.id)}.` : ''}</p>`;
  const table = serviceTable(report);
  const host = hostTable(current);
  const comparison = previous ? `; ${escapeHtml(previous.month.id)}: ${number(previous.total)} ${escapeHtml(currency)}, ${escapeHtml(changeText(report.total, currency))}` : '; no data for the previous month';
  const notes = current.notes.length > 0 ? `<h2>Notes</h2><ul>${current.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SatVach cost report ${escapeHtml(current.month.id)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1a202c; max-width: 960px; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: bold; }
svg { display: block; margin: 1rem 0; max-width: 100%; height: auto; }
svg text { fill: #1a202c; font-family: inherit; }
.method { color: #4a5568; font-size: 0.85rem; }
</style>
</head>
<body>
<h1>SatVach resource and cost report — ${escapeHtml(current.month.id)}</h1>
<p>${escapeHtml(`${current.month.id}-01 to ${lastDay(current)} (${days(current)} days, UTC) · Prometheus ${report.prometheusUrl} · prices ${report.pricesFile} (${currency})`)}</p>
<p><strong>Total: ${number(current.total)} ${escapeHtml(currency)}</strong>${comparison}</p>
${share}
${versus}
${growth}
<h2>Per service</h2>
${htmlTable(table.header, table.rows.map((row) => row.cells))}
<h2>Host</h2>
${htmlTable(host.header, host.rows)}
${notes}
<h2>Method</h2>
<ul class="method">${METHOD.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
</body>
</html>
`;
}
