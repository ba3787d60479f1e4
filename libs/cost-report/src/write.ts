import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes every file into `dir` atomically: all go to temporary names first and are renamed into
 * place only when all are written, so a reader never sees a half-written report, and a failure leaves
 * the previous report (if any) as it was.
 */
export function writeFilesAtomically(dir: string, files: Readonly<Record<string, string>>): string[] {
  mkdirSync(dir, { recursive: true });
  const staged: [temp: string, final: string][] = [];
  try {
    for (const [name, content] of Object.entries(files)) {
      const temp = join(dir, `.${name}.${process.pid}.tmp`);
      staged.push([temp, join(dir, name)]);
      writeFileSync(temp, content);
    }
  } catch (error) {
    for (const [temp] of staged) rmSync(temp, { force: true });
    throw new Error(`cannot write the report into ${dir}: ${(error as Error).message}`);
  }
  for (const [temp, final] of staged) renameSync(temp, final);
  return staged.map(([, final]) => final);
}
