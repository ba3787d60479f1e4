import { formatTable } from '@satvach/exec';
import { type CatalogEntry, type Presence } from './catalog.ts';
import { formatBytes } from './progress.ts';

const PRESENCE: Record<Presence, string> = { complete: 'yes', incomplete: 'PARTIAL', missing: 'MISSING' };

/**
 * The backup-list table: one line per backup, oldest first, `latest` marked. With more than one target
 * (a replica), one column per target says whether that target holds the backup; `state` is complete
 * only when every target does.
 */
export function formatCatalog(entries: readonly (CatalogEntry & { targets?: Readonly<Record<string, Presence>> })[], latestStamp: string | undefined): string {
  const targetNames = [...new Set(entries.flatMap((entry) => Object.keys(entry.targets ?? {})))];
  const perTarget = targetNames.length > 1 ? targetNames : [];
  const rows = entries.map((entry) => [
    entry.stamp,
    entry.size === undefined ? '-' : formatBytes(entry.size),
    entry.encrypted ? 'age' : 'no',
    entry.complete ? 'complete' : 'INCOMPLETE',
    ...perTarget.map((name) => PRESENCE[entry.targets?.[name] ?? 'missing']),
    entry.drill === undefined ? 'never' : `${entry.drill.ok ? 'ok' : 'FAILED'} ${entry.drill.at.slice(0, 16)}`,
    entry.stamp === latestStamp ? 'latest' : '',
  ]);
  const header = ['timestamp', 'size', 'encrypted', 'state', ...perTarget, 'drill', ''];
  return formatTable([header, ...rows]);
}
