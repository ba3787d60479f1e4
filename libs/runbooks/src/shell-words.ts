/**
 * Splits one shell command line into its simple commands (at unquoted `|`, `||`, `&&`, `;`, `&`)
 * and each into words, with quotes removed. Enough to find which programs a runbook line runs; a
 * `$(…)` substitution stays inside its word.
 */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let depth = 0;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      if (c === ')') depth--;
      word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === '$' && line[i + 1] === '(') {
      word += '$(';
      i++;
      depth = 1;
      inWord = true;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === '|' || c === ';' || c === '&') {
      // `2>&1`, `&>`: redirections, not command separators.
      if (c === '&' && (word.endsWith('>') || line[i + 1] === '>')) {
        word += c;
        inWord = true;
        continue;
      }
      endCommand();
      if ((c === '|' || c === '&') && (line[i + 1] === c || (c === '|' && line[i + 1] === '&'))) i++;
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}
