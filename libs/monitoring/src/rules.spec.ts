import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRuleProblems, alertTestCases, alertTestCounts, loadAlertRules, parseAlertRules, RULE_TESTS_DIR, RULES_DIR, RuleFileError, yamlFiles } from './rules.ts';
import { parsePromtoolTestOutput, promtoolCheckRules, promtoolTestRules, runTool, ToolMissingError } from './tools.ts';

const ruleFiles = yamlFiles(RULES_DIR);
const testFiles = yamlFiles(RULE_TESTS_DIR);

describe('the alert rules under promtool', () => {
  it('every rule file passes `promtool check rules`', async () => {
    const result = await runTool(promtoolCheckRules(ruleFiles));
    expect(result.output, result.output).toContain('SUCCESS');
    expect(result.ok, result.output).toBe(true);
  });

  it('every unit-test file passes `promtool test rules`, and the per-alert test counts are reported', async () => {
    const result = await runTool(promtoolTestRules(testFiles));
    const files = parsePromtoolTestOutput(result.output);
    expect(files.map((file) => basename(file.file)).sort()).toEqual(testFiles.map((file) => basename(file)).sort());
    expect(files.filter((file) => !file.ok), result.output).toEqual([]);
    expect(result.ok).toBe(true);
    const counts = alertTestCounts(alertTestCases(testFiles));
    console.log(`promtool unit tests: ${[...counts.values()].reduce((a, b) => a + b, 0)} alert_rule_test cases over ${counts.size} alerts\n${[...counts].map(([alert, n]) => `  ${alert}: ${n}`).join('\n')}`);
  });

  it('every alert in the rule files has a firing and a quiet unit-test case', () => {
    const alerts = [...new Set(loadAlertRules(ruleFiles).map((rule) => rule.alert))];
    expect(alerts.length).toBeGreaterThanOrEqual(17);
    const cases = alertTestCases(testFiles);
    const firing = new Set(cases.filter((c) => c.firing).map((c) => c.alertname));
    const quiet = new Set(cases.filter((c) => !c.firing).map((c) => c.alertname));
    const untested = alerts.filter((alert) => !firing.has(alert));
    expect(untested, `alerts without a test that shows them firing: ${untested.join(', ')}`).toEqual([]);
    // Watchdog always fires; every other alert must also be shown quiet (below threshold or before its for).
    const neverQuiet = alerts.filter((alert) => alert !== 'Watchdog' && !quiet.has(alert));
    expect(neverQuiet, `alerts without a test that shows them not firing: ${neverQuiet.join(', ')}`).toEqual([]);
  });

  it('every alert has a known severity, a summary, a description and its runbook path', () => {
    expect(alertRuleProblems(loadAlertRules(ruleFiles))).toEqual([]);
  });
});

describe('promtool catches what is wrong', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'satvach-rules-'));
    cpSync(RULES_DIR, join(dir, 'rules'), { recursive: true });
    cpSync(RULE_TESTS_DIR, join(dir, 'tests'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a wrong expectation fails the test, naming the rule', async () => {
    const file = join(dir, 'tests/database.test.yml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('(pg_up = 0)', '(pg_up = 1)'));
    expect(readFileSync(file, 'utf8')).not.toBe(original);
    const result = await runTool(promtoolTestRules([file]));
    expect(result.ok).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(parsePromtoolTestOutput(result.output)).toEqual([{ file, ok: false, failingAlerts: ['DatabaseDown'] }]);
  });

  it('an alert that fires one evaluation too early fails the test', async () => {
    const file = join(dir, 'tests/host.test.yml');
    // HighMemory's for: 15m → its firing case at 15m moved to 14m must fail.
    writeFileSync(file, readFileSync(join(RULE_TESTS_DIR, 'host.test.yml'), 'utf8').replace('      - eval_time: 15m\n        alertname: HighMemory\n        exp_alerts:\n          -', '      - eval_time: 14m\n        alertname: HighMemory\n        exp_alerts:\n          -'));
    const result = await runTool(promtoolTestRules([file]));
    expect(parsePromtoolTestOutput(result.output)).toEqual([{ file, ok: false, failingAlerts: ['HighMemory'] }]);
  });

  it('a rule file that does not parse fails `promtool check rules`, naming the file and the rule', async () => {
    const file = join(dir, 'rules/backup.yml');
    writeFileSync(file, readFileSync(join(RULES_DIR, 'backup.yml'), 'utf8').replace('expr: satvach_backup_last_run_success{job="backup"} == 0', 'expr: satvach_backup_last_run_success{job="backup" == 0'));
    const result = await runTool(promtoolCheckRules([file]));
    expect(result.ok).toBe(false);
    expect(result.output).toContain(file);
    expect(result.output).toMatch(/BackupFailed|satvach_backup_last_run_success/);
  });

  it('a rule file that is not YAML names the file when read as data', () => {
    const file = join(dir, 'rules/broken.yml');
    writeFileSync(file, 'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: [unclosed\n');
    expect(() => loadAlertRules([file])).toThrow(RuleFileError);
    expect(() => loadAlertRules([file])).toThrow(file);
  });
});

describe('parseAlertRules', () => {
  const RULES = `groups:
  - name: database
    rules:
      - alert: DatabaseDown
        expr: pg_up == 0
        for: 1m
        labels: { severity: critical }
        annotations: { runbook_url: runbooks/database/DatabaseDown.md }
  - name: recording
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: Watchdog
        expr: vector(1)
`;

  it('reads each alerting rule with its group and the line it starts on, and skips recording rules', () => {
    expect(parseAlertRules(RULES, 'rules/database.yml')).toEqual([
      { file: 'rules/database.yml', line: 4, group: 'database', alert: 'DatabaseDown', expr: 'pg_up == 0', for: '1m', labels: { severity: 'critical' }, annotations: { runbook_url: 'runbooks/database/DatabaseDown.md' } },
      { file: 'rules/database.yml', line: 13, group: 'recording', alert: 'Watchdog', expr: 'vector(1)', for: undefined, labels: {}, annotations: {} },
    ]);
  });

  it('refuses text that is not YAML, naming the file and the line', () => {
    const error = (() => {
      try {
        parseAlertRules('groups:\n  - name: x\n    rules: [\n', 'r.yml');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RuleFileError);
    expect(error).toMatchObject({ file: 'r.yml', reason: expect.stringMatching(/^not valid YAML/) });
    expect((error as RuleFileError).line).toBeGreaterThan(1);
  });

  it('refuses YAML without a groups list', () => {
    expect(() => parseAlertRules('rules: []\n', 'r.yml')).toThrow('r.yml:1: no `groups:` list');
  });
});

describe('a missing promtool', () => {
  it('fails with the apt-get line that installs it', async () => {
    const error = await runTool({ file: '/nonexistent/bin/promtool', args: ['check', 'rules'] }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as Error).message).toContain('promtool is not installed: run `apt-get install prometheus ');
  });
});
