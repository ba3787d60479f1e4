import { parseAlertRules } from '@satvach/monitoring';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from './document.ts';
import { lintAlertRunbooks } from './lint-alerts.ts';
import { completeRunbook } from './testing/fixtures.ts';

const RULES = `groups:
  - name: endpoints
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: CertificateExpiringSoon
        expr: x < 14
        labels:
          severity: warning
        annotations:
          runbook_url: runbooks/endpoints/CertificateExpiringSoon.md
      - alert: CertificateExpiringSoon
        expr: x < 3
        labels:
          severity: critical
        annotations:
          runbook_url: runbooks/endpoints/CertificateExpiringSoon.md
      - alert: TunnelDown
        expr: y < 1
        labels:
          severity: critical
`;

const runbooks = (...docs: [string, string][]) => new Map(docs.map(([file, source]) => [file, parseRunbook(file, source)]));

describe('lintAlertRunbooks', () => {
  const rules = parseAlertRules(RULES, 'rules/endpoints.yml');
  const certificates = (severity: string) => ['runbooks/endpoints/CertificateExpiringSoon.md', completeRunbook('CertificateExpiringSoon', 'endpoints', severity)] as [string, string];

  it('accepts either severity of an alert with two rules', () => {
    for (const severity of ['warning', 'critical']) {
      expect(lintAlertRunbooks(rules.slice(0, 2), runbooks(certificates(severity)))).toEqual([]);
    }
  });

  it('refuses a severity the alert never fires with', () => {
    const findings = lintAlertRunbooks(rules.slice(0, 2), runbooks(certificates('info')));
    expect(findings[0]).toEqual({ file: 'rules/endpoints.yml', line: 6, message: expect.stringContaining('fires with severity warning or critical, but runbooks/endpoints/CertificateExpiringSoon.md says `severity: info`') });
  });

  it('asks for a runbook_url, naming the generator', () => {
    expect(lintAlertRunbooks(rules.slice(2), runbooks())[0]).toEqual({ file: 'rules/endpoints.yml', line: 18, message: expect.stringContaining('alert TunnelDown has no `runbook_url` annotation') });
  });

  it('refuses a runbook_url that leads to no runbook', () => {
    expect(lintAlertRunbooks(rules.slice(0, 1), runbooks())[0]!.message).toContain('runbook_url `runbooks/endpoints/CertificateExpiringSoon.md` is not a file under runbooks/');
  });

  it('refuses a runbook that answers another alert', () => {
    const other = runbooks(['runbooks/endpoints/CertificateExpiringSoon.md', completeRunbook('TunnelDown', 'endpoints')]);
    expect(lintAlertRunbooks(rules.slice(0, 1), other)[0]!.message).toContain('answers `alert: TunnelDown`');
  });
});
