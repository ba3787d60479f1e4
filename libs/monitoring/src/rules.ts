import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LineCounter, parse, parseDocument, type Node } from 'yaml';

/** docker/monitoring in this repository: the rule and unit-test files live under it. */
export const MONITORING_DIR = resolve(import.meta.dirname, '../../../docker/monitoring');
export const RULES_DIR = join(MONITORING_DIR, 'prometheus/rules');
export const RULE_TESTS_DIR = join(MONITORING_DIR, 'prometheus/tests');

export const SEVERITIES = ['critical', 'warning', 'info'] as const;

export interface AlertRule {
  readonly file: string;
  /** The 1-based line of the rule's entry in the file, for messages that point at it. */
  readonly line: number;
  readonly group: string;
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rule file that cannot be read as rules: `reason` says why, at `file`:`line`. */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError';
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

export const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yml') || name.endsWith('.yaml'))
    .sort()
    .map((name) => join(dir, name));

interface RuleFileShape {
  groups?: { name?: string; rules?: { alert?: string; record?: string; expr?: unknown; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

/** Every alerting rule of the rule files, read as data; a file that is not YAML names itself. */
export function loadAlertRules(files: readonly string[]): AlertRule[] {
  return files.flatMap((file) => parseAlertRules(readFileSync(file, 'utf8'), file));
}

/**
 * The alerting rules of one rule file's text (`file` names it in errors and in each rule), each with
 * its line; recording rules are skipped. Throws RuleFileError when the text is not a rule file.
 */
export function parseAlertRules(text: string, file: string): AlertRule[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const [error] = doc.errors;
  if (error) throw new RuleFileError(file, error.linePos?.[0].line ?? 1, `not valid YAML: ${error.message.split('\n')[0]}`);
  const shape = doc.toJS() as RuleFileShape | null;
  if (!Array.isArray(shape?.groups)) throw new RuleFileError(file, 1, 'no `groups:` list: a Prometheus rule file holds `groups: [{name, rules: [...]}]`');
  const lineOf = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) as Node | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  };
  return shape.groups.flatMap((group, g) =>
    (group?.rules ?? []).flatMap((rule, r) =>
      typeof rule?.alert !== 'string'
        ? []
        : [{ file, line: lineOf(['groups', g, 'rules', r]), group: group.name ?? '', alert: rule.alert, expr: String(rule.expr), for: rule.for, labels: rule.labels ?? {}, annotations: rule.annotations ?? {} }],
    ),
  );
}

interface TestFileShape {
  tests?: { alert_rule_test?: { alertname?: string; exp_alerts?: unknown[] }[] }[];
}

export interface AlertTestCase {
  readonly file: string;
  readonly alertname: string;
  /** The case expects the alert to fire (exp_alerts not empty), or expects silence. */
  readonly firing: boolean;
}

/** Every `alert_rule_test` case of the unit-test files, read as data. */
export function alertTestCases(files: readonly string[]): AlertTestCase[] {
  return files.flatMap((file) =>
    ((parse(readFileSync(file, 'utf8')) as TestFileShape).tests ?? []).flatMap((test) =>
      (test.alert_rule_test ?? []).flatMap((assertion) => (assertion.alertname ? [{ file, alertname: assertion.alertname, firing: (assertion.exp_alerts ?? []).length > 0 }] : [])),
    ),
  );
}

/** Alert name → how many unit-test cases name it. */
export function alertTestCounts(cases: readonly AlertTestCase[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { alertname } of cases) counts.set(alertname, (counts.get(alertname) ?? 0) + 1);
  return counts;
}

/** Problems of the house rules every alert follows: a known severity, summary, description and runbook path. */
export function alertRuleProblems(rules: readonly AlertRule[]): string[] {
  return rules.flatMap((rule) => {
    const where = `${rule.alert} (${rule.file})`;
    const problems: string[] = [];
    if (!(SEVERITIES as readonly string[]).includes(rule.labels.severity ?? '')) problems.push(`${where}: label severity must be one of ${SEVERITIES.join(', ')}`);
    for (const key of ['summary', 'description']) if (!rule.annotations[key]) problems.push(`${where}: annotation ${key} is missing`);
    if (!/^runbooks\/[a-z-]+\/[A-Za-z0-9]+\.md$/.test(rule.annotations.runbook_url ?? '') || !rule.annotations.runbook_url?.endsWith(`/${rule.alert}.md`)) {
      problems.push(`${where}: runbook_url must be runbooks/<area>/${rule.alert}.md`);
    }
    return problems;
  });
}
