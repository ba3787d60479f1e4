import { describe, expect, it } from 'vitest';
import { RUNBOOK_SECTIONS } from './format.ts';
import { renderRunbookTemplate } from './template.ts';

const rendered = renderRunbookTemplate({ name: 'DiskAlmostFull', area: 'host', severity: 'warning', alert: { file: 'docker/monitoring/prometheus/rules/host.yml', for: '5m' } });

/** Section name → its body (up to the next H2). */
function sections(markdown: string): Map<string, string> {
  const parts = markdown.split(/^## /m).slice(1);
  return new Map(parts.map((part) => [part.slice(0, part.indexOf('\n')), part.slice(part.indexOf('\n')).trim()]));
}

describe('renderRunbookTemplate', () => {
  it('starts with the front matter (alert, severity, area), then the H1 named after the alert', () => {
    expect(rendered.startsWith('---\nalert: DiskAlmostFull\nseverity: warning\narea: host\n---\n\n# DiskAlmostFull\n\n## Meaning\n')).toBe(true);
  });

  it('has every section in contract order, each holding only a guidance comment', () => {
    const bodies = sections(rendered);
    expect([...bodies.keys()]).toEqual([...RUNBOOK_SECTIONS]);
    for (const [section, body] of bodies) expect(body, section).toMatch(/^<!--\n[^]*\n-->$/);
    for (const [section, body] of bodies) expect(body.slice(4, -3), `${section}: "--" is not allowed inside an HTML comment`).not.toContain('--');
  });

  it('tells where commands go: ```console blocks with `$ ` lines in Diagnosis and Mitigation', () => {
    const bodies = sections(rendered);
    for (const section of ['Diagnosis', 'Mitigation']) expect(bodies.get(section)!.replaceAll('\n', ' ')).toContain('```console blocks, each command starting `$ `');
  });

  it('escalates from the primary to the secondary (the oncall target) to the owner of the area in the rotation', () => {
    const escalation = sections(rendered).get('Escalation')!.replaceAll('\n', ' ');
    expect(escalation).toContain('the primary on call, then the secondary (`npx nx run runbooks:oncall` prints both), then the owner of the area host in runbooks/oncall/rotation.yaml (owners.host)');
  });

  it('points Meaning at the alert rule when it exists, and asks for the rule when it does not', () => {
    expect(sections(rendered).get('Meaning')!.replaceAll('\n', ' ')).toContain('The rule is DiskAlmostFull in docker/monitoring/prometheus/rules/host.yml (for: 5m)');
    const withoutRule = renderRunbookTemplate({ name: 'TestAlert', area: 'testing', severity: 'info' });
    expect(sections(withoutRule).get('Meaning')!.replaceAll('\n', ' ')).toContain('No alert rule named TestAlert exists yet: add it with runbook_url pointing here.');
    expect(withoutRule).toContain('severity: info\n');
  });

  it('keeps every line within 100 characters and ends with one newline', () => {
    for (const line of rendered.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(rendered.endsWith('-->\n')).toBe(true);
  });
});
