import { type AlertRule, parseAlertRules } from '@satvach/monitoring';
import { ALERT_NAME, AREA_NAME, INDEX_FILE, RULES_DIR, RUNBOOKS_DIR, runbookPath, SEVERITIES, type Severity } from './format.ts';
import { insertIndexRow } from './index-table.ts';
import { setRunbookUrl } from './rule-annotation.ts';
import { renderRunbookTemplate } from './template.ts';

/** What the plan reads of the workspace (paths relative to its root): an Nx Tree, or files on disk. */
export interface WorkspaceFiles {
  exists(path: string): boolean;
  read(path: string): string | undefined;
  /** The names of the files and directories directly in `dir` (none when it does not exist). */
  list(dir: string): string[];
}

export interface NewRunbookInput {
  readonly name: string;
  readonly area: string;
  /** Default: the alert rule's severity label, else DEFAULT_SEVERITY. */
  readonly severity?: string;
  /** The index row's "When" cell. Default: DEFAULT_WHEN(name). */
  readonly when?: string;
}

export interface NewRunbookPlan {
  /** Whole-file contents to write, the new runbook first. */
  readonly writes: readonly { path: string; content: string }[];
  /** One line each on what was decided, for the person running the generator. */
  readonly notes: readonly string[];
}

export const DEFAULT_SEVERITY: Severity = 'warning';
export const DEFAULT_WHEN = (name: string): string => `The ${name} alert fires`;

export class NewRunbookError extends Error {
  override readonly name = 'NewRunbookError';
}

/** `database-down`, `databaseDown`, `DATABASE_DOWN` → `DatabaseDown`: the name to suggest. */
function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => (part === part.toUpperCase() ? part.charAt(0) + part.slice(1).toLowerCase() : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

const kebabCase = (area: string): string =>
  area
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join('-');

/** Every problem of the options, each naming the value and what to use instead. */
export function inputProblems(input: NewRunbookInput): string[] {
  const problems: string[] = [];
  if (!ALERT_NAME.test(input.name)) {
    const suggestion = pascalCase(input.name);
    const example = ALERT_NAME.test(suggestion) ? suggestion : 'DatabaseDown';
    problems.push(`name "${input.name}" is not PascalCase — use e.g. ${example} (the Prometheus alert's name)`);
  }
  if (input.area.includes('/') || input.area.includes('\\')) {
    problems.push(`area "${input.area}" is a path — an area is one directory under runbooks/, e.g. ${kebabCase(input.area.split(/[/\\]/).filter(Boolean)[0] ?? '') || 'database'}`);
  } else if (!AREA_NAME.test(input.area)) {
    problems.push(`area "${input.area}" is not kebab-case — use e.g. ${kebabCase(input.area) || 'object-storage'}`);
  }
  if (input.severity !== undefined && !(SEVERITIES as readonly string[]).includes(input.severity)) {
    problems.push(`severity "${input.severity}" is not one of ${SEVERITIES.join(', ')}`);
  }
  if (input.when !== undefined && (/[\r\n]/.test(input.when) || input.when.trim() === '')) {
    problems.push('when must be one line of text (it becomes the index row\'s "When" cell)');
  }
  return problems;
}

/** The rule files under RULES_DIR, in name order. */
function ruleFiles(files: WorkspaceFiles): string[] {
  return files
    .list(RULES_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => `${RULES_DIR}/${name}`);
}

/** The most severe of the rules' severity labels (an alert may have one rule per severity). */
function severityOf(rules: readonly AlertRule[]): Severity | undefined {
  return SEVERITIES.find((severity) => rules.some((rule) => rule.labels.severity === severity));
}

/** An existing runbook for the same alert in any area: a second one would split what on-call reads. */
function existingRunbook(files: WorkspaceFiles, name: string): string | undefined {
  return files
    .list(RUNBOOKS_DIR)
    .map((area) => runbookPath(area, name))
    .find((path) => files.exists(path));
}

/**
 * Everything `nx g new-runbook` writes, decided before anything is written: the runbook from the template,
 * its index row and the alert rule's runbook_url. Throws NewRunbookError (nothing to write) on bad input or
 * when the runbook exists: a runbook is never overwritten.
 */
export function planNewRunbook(input: NewRunbookInput, files: WorkspaceFiles): NewRunbookPlan {
  const problems = inputProblems(input);
  if (problems.length > 0) throw new NewRunbookError(problems.join('\n'));
  const { name, area } = input;
  const path = runbookPath(area, name);
  const existing = existingRunbook(files, name);
  if (existing) {
    throw new NewRunbookError(`${existing} already exists: choose another name for the new runbook, or edit ${existing} (the generator never overwrites a runbook)`);
  }
  const readme = files.read(INDEX_FILE);
  if (readme === undefined) throw new NewRunbookError(`${INDEX_FILE} is missing: the runbook index lives there; restore it from git, then run the generator again`);

  const rulesByFile = ruleFiles(files).map((file) => ({ file, text: files.read(file) ?? '' }));
  const matches = rulesByFile.flatMap(({ file, text }) => parseAlertRules(text, file).filter((rule) => rule.alert === name));
  const severity = (input.severity as Severity | undefined) ?? severityOf(matches) ?? DEFAULT_SEVERITY;
  const notes: string[] = [];
  const writes: { path: string; content: string }[] = [];

  const first = matches[0];
  writes.push({ path, content: renderRunbookTemplate({ name, area, severity, alert: first && { file: first.file, for: first.for } }) });

  if (matches.length === 0) {
    notes.push(`no alert rule named ${name} in ${RULES_DIR}/*.yml: when you add it, give it the annotation runbook_url: ${path}`);
  }
  for (const { file, text } of rulesByFile) {
    const updated = setRunbookUrl(text, name, path);
    if (!updated.found) continue;
    if (updated.text === text) notes.push(`${file}: ${name} already has runbook_url: ${path}`);
    else writes.push({ path: file, content: updated.text });
  }

  const index = insertIndexRow(readme, { area, name, when: (input.when ?? DEFAULT_WHEN(name)).trim().replaceAll('|', '\\|') });
  if (index.inserted) writes.push({ path: INDEX_FILE, content: index.text });
  else notes.push(`${INDEX_FILE}: the index already lists ${area}/${name}.md; its row is kept as it is`);

  return { writes, notes };
}
