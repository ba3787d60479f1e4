import { type AlertRule } from '@satvach/monitoring';
import { type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';

/**
 * Every alert links a runbook that exists and answers it: the runbook's `alert` is the rule's name
 * and its `severity` one the alert fires with (an alert with a warning and a critical rule, such as
 * CertificateExpiringSoon, may name either).
 */
export function lintAlertRunbooks(rules: readonly AlertRule[], runbooks: ReadonlyMap<string, RunbookDocument>): Finding[] {
  const findings: Finding[] = [];
  const severities = new Map<string, Set<string>>();
  for (const rule of rules) {
    const severity = rule.labels.severity;
    if (severity !== undefined) severities.set(rule.alert, (severities.get(rule.alert) ?? new Set()).add(severity));
  }
  for (const rule of rules) {
    const at = (message: string) => findings.push({ file: rule.file, line: rule.line, message });
    const runbookUrl = rule.annotations.runbook_url;
    if (runbookUrl === undefined) {
      at(`alert ${rule.alert} has no \`runbook_url\` annotation: add \`runbook_url: runbooks/<area>/${rule.alert}.md\` (\`npx nx g new-runbook ${rule.alert} --area=<area>\` writes the file and sets it)`);
      continue;
    }
    const doc = runbooks.get(runbookUrl);
    if (doc === undefined) {
      at(`alert ${rule.alert}: runbook_url \`${runbookUrl}\` is not a file under runbooks/: point it at the runbook (runbooks/<area>/${rule.alert}.md) or write it`);
      continue;
    }
    const alert = doc.frontMatter?.['alert'];
    if (alert !== rule.alert) {
      at(`alert ${rule.alert}: its runbook ${runbookUrl} answers \`alert: ${String(alert)}\`: link the right runbook or fix its front matter`);
      continue;
    }
    const severity = doc.frontMatter?.['severity'];
    const allowed = severities.get(rule.alert) ?? new Set<string>();
    if (typeof severity !== 'string' || !allowed.has(severity)) {
      at(`alert ${rule.alert} fires with severity ${[...allowed].join(' or ') || '(none)'}, but ${runbookUrl} says \`severity: ${String(severity)}\`: make them agree`);
    }
  }
  return findings;
}
