export { ALERT_ENV_KEYS, ALERT_SECRET_KEYS, AlertEnvSchema, alertEnvShape, missingAlertKeys, REQUIRED_ALERT_KEYS, type AlertEnv } from './alert-env.ts';
export {
  AlertConfigError,
  CRITICAL_GROUP_WAIT,
  DATABASE_DOWN_INHIBITS,
  parseAlertEnv,
  RECEIVERS,
  renderAlertmanagerConfig,
  SECRET_FILE_NAMES,
  type RenderedAlertmanagerConfig,
  type RenderOptions,
  writeAlertmanagerFiles,
} from './alertmanager.ts';
export { alertRuleProblems, alertTestCases, alertTestCounts, loadAlertRules, MONITORING_DIR, parseAlertRules, RULE_TESTS_DIR, RULES_DIR, RuleFileError, SEVERITIES, yamlFiles, type AlertRule, type AlertTestCase } from './rules.ts';
export {
  amtoolCheckConfig,
  amtoolRoutesTest,
  amtoolSilenceAdd,
  missingTool,
  parsePromtoolTestOutput,
  promtoolCheckRules,
  promtoolTestRules,
  runTool,
  TOOL_PACKAGES,
  ToolMissingError,
  type Tool,
  type ToolResult,
} from './tools.ts';
export { DEFAULT_HORIZON_WEEKS, intervalEntries, oncallReceiver, oncallRouting, primaryInterval, secondaryInterval, type OncallRouting, type TimeIntervalEntry } from './oncall.ts';
