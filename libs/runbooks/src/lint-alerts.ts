import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { type RunbookDocument } from './document.ts';
import { type Finding } from './finding.ts';

/** One alerting rule of a Prometheus rules file, where it is written. */
export interface AlertRule {
  readonly file: string;
  readonly line: number;
  readonly alert: string;
  readonly severity?: string;
  readonly runbookUrl?: string;
}

/** The alerting rules of one rules file (recording rules have no `alert` and are skipped). */
export function parseAlertRules(file: string, source: string): { rules: AlertRule[]; findings: Finding[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  if (doc.errors.length > 0) {
    return { rules: [], findings: doc.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? 1, message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  const rules: AlertRule[] = [];
  const groups = doc.get('groups');
  if (!isSeq(groups)) return { rules, findings: [{ file, line: 1, message: 'no `groups:` list: a Prometheus rules file holds `groups: [{name, rules: [...]}]`' }] };
  for (const group of groups.items) {
    if (!isMap(group)) continue;
    const list = group.get('rules');
    if (!isSeq(list)) continue;
    for (const rule of list.items) {
      if (!isMap(rule) || typeof rule.get('alert') !== 'string') continue;
      const labels = rule.get('labels');
      const annotations = rule.get('annotations');
      const severity = isMap(labels) ? labels.get('severity') : undefined;
      const runbookUrl = isMap(annotations) ? annotations.get('runbook_url') : undefined;
      rules.push({
        file,
        line: lineOf(rule as Node),
        alert: rule.get('alert') as string,
        ...(typeof severity === 'string' ? { severity } : {}),
        ...(typeof runbookUrl === 'string' ? { runbookUrl } : {}),
      });
    }
  }
  return { rules, findings: [] };
}

/**
 * Every alert links a runbook that exists and answers it: the runbook's `alert` is the rule's name
 * and its `severity` one the alert fires with (an alert with a warning and a critical rule, such as
 * CertificateExpiringSoon, may name either).
 */
export function lintAlertRunbooks(rules: readonly AlertRule[], runbooks: ReadonlyMap<string, RunbookDocument>): Finding[] {
  const findings: Finding[] = [];
  const severities = new Map<string, Set<string>>();
  for (const rule of rules) {
    if (rule.severity !== undefined) severities.set(rule.alert, (severities.get(rule.alert) ?? new Set()).add(rule.severity));
  }
  for (const rule of rules) {
    const at = (message: string) => findings.push({ file: rule.file, line: rule.line, message });
    if (rule.runbookUrl === undefined) {
      at(`alert ${rule.alert} has no \`runbook_url\` annotation: add \`runbook_url: runbooks/<area>/${rule.alert}.md\` (\`npx nx g new-runbook ${rule.alert} --area=<area>\` writes the file and sets it)`);
      continue;
    }
    const doc = runbooks.get(rule.runbookUrl);
    if (doc === undefined) {
      at(`alert ${rule.alert}: runbook_url \`${rule.runbookUrl}\` is not a file under runbooks/: point it at the runbook (runbooks/<area>/${rule.alert}.md) or write it`);
      continue;
    }
    const alert = doc.frontMatter?.['alert'];
    if (alert !== rule.alert) {
      at(`alert ${rule.alert}: its runbook ${rule.runbookUrl} answers \`alert: ${String(alert)}\`: link the right runbook or fix its front matter`);
      continue;
    }
    const severity = doc.frontMatter?.['severity'];
    const allowed = severities.get(rule.alert) ?? new Set<string>();
    if (typeof severity !== 'string' || !allowed.has(severity)) {
      at(`alert ${rule.alert} fires with severity ${[...allowed].join(' or ') || '(none)'}, but ${rule.runbookUrl} says \`severity: ${String(severity)}\`: make them agree`);
    }
  }
  return findings;
}
