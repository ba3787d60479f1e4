import { describe, expect, it } from 'vitest';
import { lintMarkdown } from './lint-markdown.ts';

describe('lintMarkdown', () => {
  it('reports malformed Markdown by file, line and rule, and passes clean Markdown', async () => {
    const files = new Map([
      ['runbooks/a/Good.md', '# Good\n\n## Meaning\n\nText.\n'],
      ['runbooks/a/Bad.md', '# Bad\n\n```\nno language\n```\n\n### Skipped a level\n'],
    ]);
    const findings = await lintMarkdown(files, { default: true });
    expect(findings.filter((f) => f.file === 'runbooks/a/Good.md')).toEqual([]);
    expect(findings.map((f) => [f.line, f.message.split(' ')[0]])).toEqual([
      [3, 'MD040/fenced-code-language'],
      [7, 'MD001/heading-increment'],
    ]);
  });
});
