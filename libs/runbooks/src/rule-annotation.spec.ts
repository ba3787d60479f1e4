import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { setRunbookUrl } from './rule-annotation.ts';

const rules = `# Host alerts: why they exist.
groups:
  - name: host
    rules:
      - alert: DiskAlmostFull
        # Pseudo filesystems are never full in a way a person can fix.
        expr: |
          100 * (1 - node_filesystem_avail_bytes{job="node",fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{job="node",fstype!~"tmpfs|overlay"}) > 80
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "Disk {{ $labels.mountpoint }} is {{ $value | humanize }}% full" # quoted on purpose
          runbook_url: runbooks/old/DiskAlmostFull.md
      - alert: HighMemory
        expr: node_memory_MemAvailable_bytes < 1
        labels:
          severity: critical
      - record: job:up:sum
        expr: sum by (job) (up)
  - name: certificates
    rules:
      - alert: CertificateExpiringSoon
        expr: probe_ssl_earliest_cert_expiry - time() < 14 * 86400
        labels: { severity: warning }
        annotations: { summary: "soon" }
      - alert: CertificateExpiringSoon
        expr: probe_ssl_earliest_cert_expiry - time() < 3 * 86400
        labels: { severity: critical }
        annotations: { summary: "very soon" }
`;

describe('setRunbookUrl', () => {
  it('changes only the runbook_url line; comments, block scalars and quoting stay byte for byte', () => {
    const { found, text } = setRunbookUrl(rules, 'DiskAlmostFull', 'runbooks/host/DiskAlmostFull.md');
    expect(found).toBe(true);
    expect(text).toBe(rules.replace('runbook_url: runbooks/old/DiskAlmostFull.md', 'runbook_url: runbooks/host/DiskAlmostFull.md'));
  });

  it('adds annotations to a rule that has none', () => {
    const { text } = setRunbookUrl(rules, 'HighMemory', 'runbooks/host/HighMemory.md');
    const highMemory = (parse(text) as { groups: { rules: { alert?: string; annotations?: object }[] }[] }).groups[0]!.rules[1]!;
    expect(highMemory).toMatchObject({ alert: 'HighMemory', annotations: { runbook_url: 'runbooks/host/HighMemory.md' } });
    expect(text).toContain('# Pseudo filesystems are never full in a way a person can fix.\n');
  });

  it('links every rule of an alert that has one rule per severity', () => {
    const { text } = setRunbookUrl(rules, 'CertificateExpiringSoon', 'runbooks/endpoints/CertificateExpiringSoon.md');
    const certificates = (parse(text) as { groups: { rules: { annotations: Record<string, string> }[] }[] }).groups[1]!.rules;
    expect(certificates.map((rule) => rule.annotations)).toEqual([
      { summary: 'soon', runbook_url: 'runbooks/endpoints/CertificateExpiringSoon.md' },
      { summary: 'very soon', runbook_url: 'runbooks/endpoints/CertificateExpiringSoon.md' },
    ]);
  });

  it('returns the text unchanged when the alert is missing or already links the runbook', () => {
    expect(setRunbookUrl(rules, 'TestAlert', 'runbooks/testing/TestAlert.md')).toEqual({ found: false, text: rules });
    expect(setRunbookUrl(rules, 'DiskAlmostFull', 'runbooks/old/DiskAlmostFull.md')).toEqual({ found: true, text: rules });
    expect(setRunbookUrl(rules, 'job:up:sum', 'runbooks/x/Y.md')).toEqual({ found: false, text: rules });
  });
});
