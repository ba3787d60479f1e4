import { type Configuration } from 'markdownlint';
import { lint } from 'markdownlint/promise';
import { type Finding } from './finding.ts';

/** Well-formed Markdown, by markdownlint's rules with the config in runbooks/.markdownlint.json. */
export async function lintMarkdown(files: ReadonlyMap<string, string>, config: Configuration): Promise<Finding[]> {
  const results = await lint({ strings: Object.fromEntries(files), config });
  return Object.entries(results)
    .flatMap(([file, errors]) =>
    errors.map((error) => ({
      file,
      line: error.lineNumber,
      message: `${error.ruleNames.join('/')} ${error.ruleDescription}${error.errorDetail ? ` [${error.errorDetail}]` : ''}${
        error.errorContext ? ` [context: ${error.errorContext}]` : ''
      }`,
    })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
