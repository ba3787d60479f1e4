export * from './format.ts';
export { isStillToWrite, parseRunbook, type CommandLine, type Heading, type RunbookDocument } from './document.ts';
export { formatFinding, sortFindings, type Finding } from './finding.ts';
export { validateFrontMatter, type FrontMatter } from './front-matter.ts';
export { lintRunbooks, MARKDOWNLINT_CONFIG, type LintOptions } from './lint.ts';
export { parseAlertRules, type AlertRule } from './lint-alerts.ts';
export { projectTargetsFromGraphFile, type ProjectTargets } from './lint-targets.ts';
export { CONTAINER_PROGRAMS, HOST_PROGRAMS_SECTION, parseHostPrograms, serviceOfContainer, type ContainerPrograms, type ContainerService } from './programs.ts';
