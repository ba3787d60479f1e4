import { INDEX_FILE, INDEX_HEADER, indexRow } from './format.ts';

export interface IndexEntry {
  readonly area: string;
  readonly name: string;
  readonly when: string;
}

export class IndexTableError extends Error {
  override readonly name = 'IndexTableError';
}

/** A table row's area (first cell) and runbook name (the link target's file name); undefined for other rows. */
function rowKey(line: string): { area: string; name: string; target: string } | undefined {
  const match = /^\|\s*([^|]*?)\s*\|\s*\[[^\]]*\]\(([^)]*)\)/.exec(line);
  if (!match) return undefined;
  const target = match[2]!;
  return { area: match[1]!, name: target.replace(/^.*\//, '').replace(/\.md$/, ''), target };
}

const before = (a: { area: string; name: string }, b: { area: string; name: string }): boolean =>
  a.area < b.area || (a.area === b.area && a.name <= b.name);

/**
 * runbooks/README.md with the entry's row added to the index table, after the last row that sorts at or
 * before it (area, then name), so a sorted table stays sorted and hand-placed rows keep their place.
 * A row linking the same file already there is kept as it is (`inserted: false`): its author's words win.
 */
export function insertIndexRow(readmeText: string, entry: IndexEntry): { text: string; inserted: boolean } {
  const lines = readmeText.split('\n');
  const header = lines.findIndex((line) => line.trim() === INDEX_HEADER);
  if (header === -1 || !/^\|[\s:|-]+\|$/.test(lines[header + 1]?.trim() ?? '')) {
    throw new IndexTableError(
      `${INDEX_FILE} has no index table: add the header line "${INDEX_HEADER}" and its separator line "|------|---------|------|", then run the generator again`,
    );
  }
  let end = header + 2;
  while (end < lines.length && lines[end]!.trimStart().startsWith('|')) end += 1;
  const target = `${entry.area}/${entry.name}.md`;
  let at = header + 2;
  for (let index = header + 2; index < end; index += 1) {
    const key = rowKey(lines[index]!);
    if (key?.target === target) return { text: readmeText, inserted: false };
    if (key && before(key, entry)) at = index + 1;
  }
  lines.splice(at, 0, indexRow(entry.area, entry.name, entry.when));
  return { text: lines.join('\n'), inserted: true };
}
