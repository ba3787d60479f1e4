export * from './format.ts';
export { IndexTableError, insertIndexRow, type IndexEntry } from './index-table.ts';
export { DEFAULT_SEVERITY, DEFAULT_WHEN, inputProblems, NewRunbookError, planNewRunbook, type NewRunbookInput, type NewRunbookPlan, type WorkspaceFiles } from './new-runbook.ts';
export { setRunbookUrl } from './rule-annotation.ts';
export { renderRunbookTemplate, type AlertRuleFacts, type RunbookTemplateInput } from './template.ts';
