import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** An env file that cannot be read as `KEY=value` lines; the message names the file and line, never a value. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`${file} is not a valid env file:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\nEach line is KEY=value, # comment or blank; quote a value that holds # or spans lines.`);
    this.file = file;
    this.problems = problems;
  }
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * The lines Node's parser would drop or cut without a word: not `KEY=value`, or an unquoted `#`
 * glued to the value (compose keeps it, Node starts a comment there: a password would lose its tail).
 * Reported by line number and key only: the line itself may be a secret.
 */
function lineProblems(text: string): string[] {
  const problems: string[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const number = index + 1;
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    if (/^\s*(#|$)/.test(line)) return;
    const match = ASSIGNMENT.exec(line);
    if (match === null) {
      problems.push(`line ${number}: not KEY=value`);
      return;
    }
    const [, key = '', value = ''] = match;
    const quote = /^["'`]/.exec(value)?.[0];
    if (quote !== undefined) {
      if (!value.slice(1).includes(quote)) openQuote = quote;
    } else if (/[^\s#]#/.test(value)) {
      problems.push(`line ${number}: ${key} holds # without quotes, which would start a comment; quote the value`);
    }
  });
  if (openQuote !== undefined) problems.push(`a quoted value (${openQuote}) is never closed`);
  return problems;
}

/**
 * The one env-file parser of the workspace (compose's .env, the backup tool's --env-file, test
 * harness files): Node's own `util.parseEnv` (dotenv syntax: comments, `export`, quotes, multi-line
 * quoted values, no interpolation), after a check that nothing would be dropped silently.
 */
export function parseEnvFile(text: string, source: string): Record<string, string> {
  const problems = lineProblems(text);
  if (problems.length > 0) throw new EnvFileError(source, problems);
  // parseEnv's type allows undefined values; every key it returns has a string.
  return { ...parseEnv(text) } as Record<string, string>;
}

/** Reads and parses an env file; `missing: 'empty'` treats an absent file as one with no keys. */
export function readEnvFile(file: string, options: { missing?: 'throw' | 'empty' } = {}): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (options.missing === 'empty' && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseEnvFile(text, file);
}
