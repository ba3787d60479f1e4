import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type BenchRow = { metric: string; value: number; unit: string; goal?: string };

/** Prints the rows as a table and writes them with the run's context to bench/results/<name>.json. */
export function report(workspaceRoot: string, name: string, rows: BenchRow[]): string {
  const width = Math.max(...rows.map((row) => row.metric.length));
  for (const row of rows) {
    const value = Number.isInteger(row.value) ? String(row.value) : row.value.toFixed(2);
    console.log(`${row.metric.padEnd(width)}  ${value.padStart(12)} ${row.unit.padEnd(4)} ${row.goal ? `(goal ${row.goal})` : ''}`);
  }
  const dir = join(workspaceRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  return file;
}
