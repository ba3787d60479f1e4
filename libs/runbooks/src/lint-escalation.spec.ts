import { describe, expect, it } from 'vitest';
import { parseRunbook } from './document.ts';
import { formatFinding } from './finding.ts';
import { lintEscalation } from './lint-escalation.ts';
import { renderRunbookTemplate } from './template.ts';
import { completeRunbook, FIXTURE_ROTATION } from './testing/fixtures.ts';

const lint = (files: Record<string, string>, rotation: string | undefined = FIXTURE_ROTATION) =>
  lintEscalation(Object.entries(files).map(([file, text]) => parseRunbook(file, text)), rotation).map(formatFinding);

describe('lintEscalation', () => {
  it('passes an Escalation naming runbooks:oncall and owners.<area>, or the owner by name', () => {
    const byName = completeRunbook('DatabaseDown', 'database').replace('`owners.database`', 'Grace Example');
    expect(lint({ 'runbooks/database/DatabaseDown.md': completeRunbook('DatabaseDown', 'database'), 'runbooks/database/DatabaseSlow.md': byName })).toEqual([]);
  });

  it('fails an area (a new one too) with no owner in the rotation', () => {
    expect(lint({ 'runbooks/payments/PaymentsDown.md': completeRunbook('PaymentsDown', 'payments') })).toEqual([
      'runbooks/payments/PaymentsDown.md:1: area payments has no owner: add `payments: <person id>` under owners in runbooks/oncall/rotation.yaml',
    ]);
  });

  it('fails an Escalation without runbooks:oncall or the owner, at the section', () => {
    const vague = completeRunbook('DatabaseDown', 'database').replace(/## Escalation\n\n.*\n/, '## Escalation\n\nAsk around.\n');
    expect(lint({ 'runbooks/database/DatabaseDown.md': vague })).toEqual([
      'runbooks/database/DatabaseDown.md:30: Escalation does not say how to find the primary and secondary: name `npx nx run runbooks:oncall`',
      'runbooks/database/DatabaseDown.md:30: Escalation does not name the area\'s owner: add `owners.database` in `runbooks/oncall/rotation.yaml` (Grace Example)',
    ]);
  });

  it('leaves an unwritten Escalation to the structure check (its guidance comment does not count)', () => {
    expect(lint({ 'runbooks/database/DatabaseDown.md': renderRunbookTemplate({ name: 'DatabaseDown', area: 'database', severity: 'critical' }) })).toEqual([]);
  });

  it('reports a missing or invalid rotation at the file', () => {
    expect(lintEscalation([], undefined).map(formatFinding)).toEqual(['runbooks/oncall/rotation.yaml:1: missing: the rotation names the owner each Escalation section ends with']);
    expect(lint({}, FIXTURE_ROTATION.replace('database: grace', 'database: zed'))).toEqual(['runbooks/oncall/rotation.yaml:1: owners.database: unknown person "zed"; add them to people or use one of ada, grace']);
  });
});
