import { describe, expect, it } from 'vitest';
import { parseRunbook } from './document.ts';
import { lintStructure } from './lint-structure.ts';
import { renderRunbookTemplate } from './template.ts';
import { completeRunbook } from './testing/fixtures.ts';

const lint = (source: string, file = 'runbooks/database/DatabaseDown.md') => lintStructure(parseRunbook(file, source));

describe('lintStructure', () => {
  it('passes a complete runbook', () => {
    expect(lint(completeRunbook('DatabaseDown', 'database'))).toEqual([]);
  });

  it('fails a freshly generated template, naming every section still to write', () => {
    const findings = lint(renderRunbookTemplate({ name: 'DatabaseDown', area: 'database', severity: 'critical' }));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('still to write: `## Meaning`, `## Impact`, `## Diagnosis`, `## Mitigation`, `## Escalation`');
    expect(findings[0]!.line).toBe(9);
  });

  it('names only the sections left empty when the others are written', () => {
    const source = completeRunbook('DatabaseDown', 'database').replace('Every API request fails with 503.', '<!-- impact -->');
    expect(lint(source).map((f) => f.message)).toEqual([expect.stringContaining('still to write: `## Impact` (only a comment or nothing)')]);
  });

  it('asks for front matter when there is none', () => {
    const source = completeRunbook('DatabaseDown', 'database').replace(/^---[\s\S]*?---\n/, '');
    expect(lint(source)).toEqual([expect.objectContaining({ line: 1, message: expect.stringContaining('no front matter') })]);
  });

  it('names the front matter key that is wrong', () => {
    const source = completeRunbook('DatabaseDown', 'database').replace('severity: critical', 'severity: page');
    expect(lint(source)[0]!.message).toMatch(/^front matter key `severity`/);
  });

  it('refuses an area that is not the directory', () => {
    expect(lint(completeRunbook('DatabaseDown', 'db'))[0]!.message).toContain('does not match the directory `database`');
  });

  it('accepts a procedure without an alert', () => {
    const source = completeRunbook('DDoSMitigation', 'http').replace('alert: DDoSMitigation\nseverity: critical', 'kind: procedure');
    expect(lint(source, 'runbooks/http/DDoSMitigation.md')).toEqual([]);
  });

  it('wants the title to be the file name', () => {
    expect(lint(completeRunbook('DatabaseDown', 'database').replace('# DatabaseDown', '# Database down'))[0]!.message).toContain(
      'must be the file\'s name: `# DatabaseDown`',
    );
  });

  it('names missing sections, sections out of order and sections that are not runbook sections', () => {
    const missing = completeRunbook('DatabaseDown', 'database').replace(/## Escalation[\s\S]*$/, '');
    expect(lint(missing)[0]!.message).toContain('missing section `## Escalation`');
    const swapped = completeRunbook('DatabaseDown', 'database').replace('## Meaning', '## TEMP').replace('## Impact', '## Meaning').replace('## TEMP', '## Impact');
    expect(lint(swapped)[0]!.message).toContain("section `## Impact` is out of order");
    const extra = `${completeRunbook('DatabaseDown', 'database')}\n## Notes\n\nmore\n`;
    expect(lint(extra)[0]!.message).toContain('`## Notes` is not a runbook section');
  });
});
