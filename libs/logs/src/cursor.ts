import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Per container, the timestamp (ns) of the last line the log store accepted, kept in a file so a
 * restarted shipper resumes where it stopped: nothing lost, nothing sent twice.
 */
export class CursorFile {
  private readonly cursors: Map<string, bigint>;
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
    let saved: Record<string, string> = {};
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`cursor file ${file} is unreadable (${(error as Error).message}); delete it to resend the containers' whole logs`);
      }
    }
    this.cursors = new Map(Object.entries(saved).map(([id, nanos]) => [id, BigInt(nanos)]));
  }

  get(container: string): bigint | undefined {
    return this.cursors.get(container);
  }

  /** Moves the cursors forward (never back) and writes the file atomically (temp file, then rename). */
  advance(accepted: ReadonlyMap<string, bigint>, live: ReadonlySet<string>): void {
    for (const [id, nanos] of accepted) if (nanos > (this.cursors.get(id) ?? -1n)) this.cursors.set(id, nanos);
    // Containers compose removed are forgotten, so the file stays as small as the stack.
    for (const id of this.cursors.keys()) if (!live.has(id) && !accepted.has(id)) this.cursors.delete(id);
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries([...this.cursors].map(([id, nanos]) => [id, nanos.toString()]))));
    renameSync(temporary, this.file);
  }
}
