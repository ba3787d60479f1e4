import { type CatalogEntry } from './catalog.ts';
import { formatBytes } from './progress.ts';

/** The backup-list table: one line per backup, oldest first, `latest` marked. */
export function formatCatalog(entries: readonly CatalogEntry[], latestStamp: string | undefined): string {
  const rows = entries.map((entry) => [
    entry.stamp,
    entry.size === undefined ? '-' : formatBytes(entry.size),
    entry.encrypted ? 'age' : 'no',
    entry.complete ? 'complete' : 'INCOMPLETE',
    entry.drill === undefined ? 'never' : `${entry.drill.ok ? 'ok' : 'FAILED'} ${entry.drill.at.slice(0, 16)}`,
    entry.stamp === latestStamp ? 'latest' : '',
  ]);
  const header = ['timestamp', 'size', 'encrypted', 'state', 'drill', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const render = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}
