import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AlertRule, parseAlertRules, RuleFileError } from '@satvach/monitoring';
import { type Configuration } from 'markdownlint';
import { parseRunbook, type RunbookDocument } from './document.ts';
import { sortFindings, type Finding } from './finding.ts';
import { INDEX_FILE, ROTATION_FILE, RULES_DIR, RUNBOOKS_DIR } from './format.ts';
import { lintAlertRunbooks } from './lint-alerts.ts';
import { lintCommands } from './lint-commands.ts';
import { lintEscalation } from './lint-escalation.ts';
import { lintIndex } from './lint-index.ts';
import { lintLinks } from './lint-links.ts';
import { lintMarkdown } from './lint-markdown.ts';
import { lintStructure } from './lint-structure.ts';
import { lintTargets, type ProjectTargets } from './lint-targets.ts';
import { parseHostPrograms } from './programs.ts';

export const MARKDOWNLINT_CONFIG = `${RUNBOOKS_DIR}/.markdownlint.json`;

export interface LintOptions {
  /** The workspace root; every path is read relative to it. */
  readonly root: string;
  /** Each project's targets, from the workspace graph. */
  readonly graph: ProjectTargets;
}

const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');

/** Every Markdown file under runbooks/, relative to the root, in a stable order. */
function markdownFiles(root: string): string[] {
  return (readdirSync(join(root, RUNBOOKS_DIR), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((path) => path.endsWith('.md'))
    .map((path) => `${RUNBOOKS_DIR}/${path.split('\\').join('/')}`)
    .sort();
}

/** A runbook proper (not an area's or the index's README): runbooks/<area>/<Name>.md. */
const isRunbook = (file: string) => /^runbooks\/[^/]+\/[^/]+\.md$/.test(file) && !file.endsWith('/README.md');

/** All checks over the workspace's runbooks and alert rules; an empty list means the lint passes. */
export async function lintRunbooks({ root, graph }: LintOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const sources = new Map(markdownFiles(root).map((file) => [file, read(root, file)]));
  const docs = new Map<string, RunbookDocument>([...sources].map(([file, source]) => [file, parseRunbook(file, source)]));

  const rules: AlertRule[] = [];
  const ruleFiles = existsSync(join(root, RULES_DIR)) ? readdirSync(join(root, RULES_DIR)).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  if (ruleFiles.length === 0) findings.push({ file: RULES_DIR, line: 1, message: 'no alert rules files (*.yml) found: the lint checks every alert links its runbook' });
  for (const name of ruleFiles) {
    const file = `${RULES_DIR}/${name}`;
    try {
      rules.push(...parseAlertRules(read(root, file), file));
    } catch (error) {
      if (!(error instanceof RuleFileError)) throw error;
      findings.push({ file: error.file, line: error.line, message: error.reason });
    }
  }
  findings.push(...lintAlertRunbooks(rules, new Map([...docs].filter(([file]) => isRunbook(file)))));

  let hostPrograms = new Set<string>();
  const index = sources.get(INDEX_FILE);
  const parsedHost = index === undefined ? { error: `${INDEX_FILE} is missing` } : parseHostPrograms(index);
  if ('error' in parsedHost) findings.push({ file: INDEX_FILE, line: 1, message: parsedHost.error });
  else hostPrograms = new Set(parsedHost.programs.keys());
  if (index !== undefined) findings.push(...lintIndex(INDEX_FILE, index, [...docs.keys()].filter(isRunbook)));

  findings.push(...lintEscalation([...docs.values()].filter((doc) => isRunbook(doc.file)), existsSync(join(root, ROTATION_FILE)) ? read(root, ROTATION_FILE) : undefined));
  for (const doc of docs.values()) {
    if (isRunbook(doc.file)) findings.push(...lintStructure(doc));
    findings.push(...lintTargets(doc, graph), ...lintLinks(doc, root));
    if (!('error' in parsedHost)) findings.push(...lintCommands(doc, hostPrograms));
  }

  let config: Configuration = {};
  if (existsSync(join(root, MARKDOWNLINT_CONFIG))) {
    try {
      config = JSON.parse(read(root, MARKDOWNLINT_CONFIG)) as Configuration;
    } catch (error) {
      findings.push({ file: MARKDOWNLINT_CONFIG, line: 1, message: `not valid JSON: ${(error as Error).message}` });
    }
  } else findings.push({ file: MARKDOWNLINT_CONFIG, line: 1, message: 'missing: the markdownlint config for runbooks/ (e.g. `{"default": true, "MD013": false}`)' });
  findings.push(...(await lintMarkdown(sources, config)));
  return sortFindings(findings);
}
