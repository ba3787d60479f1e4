import { type Finding } from './finding.ts';
import { INDEX_HEADER } from './format.ts';

const ROW = /^\|\s*([^|]*?)\s*\|\s*\[([^\]]*)\]\(([^)]*)\)\s*\|/;

/**
 * runbooks/README.md's index lists every runbook once, as `| <area> | [<Name>](<area>/<Name>.md) | <when> |`,
 * ordered by area, then name — the order `nx g new-runbook` inserts in. An area's guide may have a row of
 * its own, `| <area> | [<title>](<area>/README.md) | <when> |`, outside that order.
 */
export function lintIndex(file: string, readme: string, runbooks: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const lines = readme.split(/\r?\n/);
  const header = lines.findIndex((line) => line.trim() === INDEX_HEADER);
  if (header === -1) return [{ file, line: 1, message: `no index table: add \`${INDEX_HEADER}\` with one row per runbook` }];
  const rows: { area: string; name: string; line: number }[] = [];
  for (let i = header + 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) {
    const row = ROW.exec(lines[i]!);
    if (row && row[3] === `${row[1]}/README.md`) continue;
    const expected = row ? `${row[1]}/${row[2]}.md` : undefined;
    if (!row || row[3] !== expected) {
      findings.push({ file, line: i + 1, message: 'an index row must read `| <area> | [<Name>](<area>/<Name>.md) | <when> |`' });
      continue;
    }
    rows.push({ area: row[1]!, name: row[2]!, line: i + 1 });
  }
  const listed = new Set(rows.map((r) => `runbooks/${r.area}/${r.name}.md`));
  for (const runbook of runbooks) {
    if (!listed.has(runbook)) findings.push({ file, line: header + 1, message: `${runbook} has no row in the index: add \`| ${runbook.split('/')[1]} | [${runbook.split('/')[2]!.slice(0, -3)}](${runbook.slice('runbooks/'.length)}) | <when> |\`` });
  }
  const key = (r: { area: string; name: string }) => `${r.area}\u0000${r.name}`;
  rows.forEach((row, i) => {
    const previous = rows[i - 1];
    if (previous !== undefined && key(previous) >= key(row)) {
      findings.push({ file, line: row.line, message: `index row ${row.area}/${row.name} is out of order or repeated: rows go by area, then name` });
    }
  });
  return findings;
}
