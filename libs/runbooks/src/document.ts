import { parse as parseYaml } from 'yaml';

/**
 * One Markdown file under runbooks/, split into the parts the lint checks, each with its 1-based
 * line number so every finding can name `file:line`.
 */
export interface RunbookDocument {
  /** Relative to the workspace root, e.g. `runbooks/database/DatabaseDown.md`. */
  readonly file: string;
  /** The parsed front matter, or undefined when the file has none; `frontMatterError` when it does not parse. */
  readonly frontMatter?: Record<string, unknown>;
  readonly frontMatterError?: string;
  readonly headings: readonly Heading[];
  /** Lines starting `$ ` inside ```console blocks, continuation lines (`\`) joined. */
  readonly commands: readonly CommandLine[];
  /** Every line outside front matter, for references such as `nx run a:b` in prose and code. */
  readonly lines: readonly SourceLine[];
}

export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly line: number;
  /** The body up to the next heading of the same or a higher level (lines after the heading). */
  readonly body: string;
}

export interface CommandLine {
  readonly command: string;
  readonly line: number;
}

export interface SourceLine {
  readonly text: string;
  readonly line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w-]*)/;
const ATX = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

export function parseRunbook(file: string, source: string): RunbookDocument {
  const all = source.split(/\r?\n/);
  let start = 0;
  let frontMatter: Record<string, unknown> | undefined;
  let frontMatterError: string | undefined;
  if (all[0] === '---') {
    const end = all.indexOf('---', 1);
    if (end === -1) {
      frontMatterError = 'the front matter opened on line 1 is never closed with a `---` line';
    } else {
      start = end + 1;
      try {
        const value: unknown = parseYaml(all.slice(1, end).join('\n'));
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) frontMatter = value as Record<string, unknown>;
        else frontMatterError = 'the front matter is not a YAML mapping of keys to values';
      } catch (error) {
        frontMatterError = `the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`;
      }
    }
  }

  const lines: SourceLine[] = all.slice(start).map((text, i) => ({ text, line: start + i + 1 }));
  const rawHeadings: { level: number; text: string; index: number }[] = [];
  const commands: CommandLine[] = [];
  let fence: { marker: string; console: boolean } | undefined;
  let pending: CommandLine | undefined;
  lines.forEach(({ text, line }, index) => {
    const opening = FENCE.exec(text);
    if (fence === undefined) {
      if (opening) fence = { marker: opening[1]!, console: opening[2] === 'console' };
      else {
        const heading = ATX.exec(text);
        if (heading) rawHeadings.push({ level: heading[1]!.length, text: heading[2]!, index });
      }
      return;
    }
    if (opening && opening[1]!.startsWith(fence.marker) && opening[2] === '') {
      fence = undefined;
      pending = undefined;
      return;
    }
    if (!fence.console) return;
    if (pending !== undefined) {
      pending = { command: `${pending.command.slice(0, -1).trimEnd()} ${text.trim()}`, line: pending.line };
      commands[commands.length - 1] = pending;
    } else if (text.startsWith('$ ')) {
      pending = { command: text.slice(2).trim(), line };
      commands.push(pending);
    }
    if (!pending?.command.endsWith('\\')) pending = undefined;
  });

  const headings = rawHeadings.map((heading, i) => {
    const next = rawHeadings.slice(i + 1).find((other) => other.level <= heading.level);
    const body = lines
      .slice(heading.index + 1, next === undefined ? lines.length : next.index)
      .map((l) => l.text)
      .join('\n');
    return { level: heading.level, text: heading.text, line: lines[heading.index]!.line, body };
  });

  return {
    file,
    ...(frontMatter === undefined ? {} : { frontMatter }),
    ...(frontMatterError === undefined ? {} : { frontMatterError }),
    headings,
    commands,
    lines,
  };
}

/** A section holding nothing but whitespace and HTML comments (the generator's guidance) is still to write. */
export function isStillToWrite(body: string): boolean {
  return body.replace(/<!--[\s\S]*?-->/g, '').trim() === '';
}
