export { judgeBackend, judgeBackup, judgeDb, judgeDisk, judgeEdge, judgeHost, judgeStorage, judgeTunnel } from './checks.ts';
export { diagnose, type DiagnoseRequest, renderResults } from './diagnose.ts';
export { type CheckName, type CheckResult, CHECKS, isFailing, parseChecks, RUNBOOKS, type Status, THRESHOLDS } from './model.ts';
export { stackTargets, type StackTargets } from './targets.ts';
