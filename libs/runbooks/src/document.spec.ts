import { describe, expect, it } from 'vitest';
import { isStillToWrite, parseRunbook } from './document.ts';

describe('parseRunbook', () => {
  it('reads the front matter and numbers lines as the file does', () => {
    const doc = parseRunbook('runbooks/db/X.md', '---\nalert: X\nseverity: warning\n---\n# X\n');
    expect(doc.frontMatter).toEqual({ alert: 'X', severity: 'warning' });
    expect(doc.headings[0]).toMatchObject({ level: 1, text: 'X', line: 5 });
  });

  it('reports front matter that is not closed or not a mapping', () => {
    expect(parseRunbook('f.md', '---\nalert: X\n# X\n').frontMatterError).toMatch(/never closed/);
    expect(parseRunbook('f.md', '---\n- a\n---\n').frontMatterError).toMatch(/not a YAML mapping/);
    expect(parseRunbook('f.md', '---\na: [\n---\n').frontMatterError).toMatch(/not valid YAML/);
  });

  it('gives each section its body up to the next heading of its level, subsections included', () => {
    const doc = parseRunbook('f.md', '# T\n## A\none\n### A1\ntwo\n## B\nthree\n');
    expect(doc.headings.find((h) => h.text === 'A')!.body).toBe('one\n### A1\ntwo');
    expect(doc.headings.find((h) => h.text === 'B')!.body).toBe('three\n');
  });

  it('takes `$ ` lines of console blocks only, joins continuations, and ignores headings inside fences', () => {
    const doc = parseRunbook('f.md', ['```console', '$ docker ps \\', '    --all', 'output line', '$ jq .', '```', '```sh', '$ not-a-command', '# not a heading', '```'].join('\n'));
    expect(doc.commands).toEqual([
      { command: 'docker ps --all', line: 2 },
      { command: 'jq .', line: 5 },
    ]);
    expect(doc.headings).toEqual([]);
  });
});

describe('isStillToWrite', () => {
  it('counts a section with only comments or whitespace as still to write, anything else as written', () => {
    expect(isStillToWrite('\n<!-- What it means -->\n\n')).toBe(true);
    expect(isStillToWrite('  \n')).toBe(true);
    expect(isStillToWrite('<!-- guidance -->\nThe database is down.')).toBe(false);
  });
});
