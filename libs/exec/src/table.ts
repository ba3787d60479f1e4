/**
 * Plain-text columns two spaces apart, as `docker ps` prints them, the first row usually the header.
 * A row may be shorter than the others; its last cell runs on unpadded and so does not widen its
 * column (a free-text line such as "edge  <upstream shares>" keeps the columns above it narrow).
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}
