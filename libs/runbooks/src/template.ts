import { ONCALL_COMMAND, ROTATION_FILE, RUNBOOK_SECTIONS, type RunbookSection, type Severity } from './format.ts';

/** The alert rule a runbook answers, as found in the rule files: quoted in the Meaning guidance. */
export interface AlertRuleFacts {
  /** The rule file, relative to the workspace root. */
  readonly file: string;
  /** The rule's `for:` duration, when it has one. */
  readonly for?: string;
}

export interface RunbookTemplateInput {
  readonly name: string;
  readonly area: string;
  readonly severity: Severity;
  /** Present when the alert rule exists in the repository. */
  readonly alert?: AlertRuleFacts;
}

const MAX_LINE = 100;

/** Words wrapped to lines of at most MAX_LINE characters (a longer single word keeps its own line). */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > MAX_LINE) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A section's guidance as an HTML comment: the runbook lint counts a section holding only this as still to write. */
function comment(text: string): string {
  // `--` may not appear inside an HTML comment; guidance never needs it, quoted names could.
  return ['<!--', ...wrap(text.replaceAll('--', '- -')), '-->'].join('\n');
}

function guidance(section: RunbookSection, input: RunbookTemplateInput): string {
  const { name, area, severity, alert } = input;
  switch (section) {
    case 'Meaning':
      return alert
        ? `What ${name} firing means, in words a person woken at night understands: which check failed, on what, ` +
            `for how long. The rule is ${name} in ${alert.file}${alert.for ? ` (for: ${alert.for})` : ''}: explain its expr, do not paste it.`
        : `What ${name} firing means, in words a person woken at night understands: which check failed, on what, ` +
            `for how long. No alert rule named ${name} exists yet: add it with runbook_url pointing here.`;
    case 'Impact':
      return `What users and the platform lose while ${name} fires (which pages or API calls fail, which data is at risk) ` +
        `and how fast it gets worse; it is a ${severity} alert.`;
    case 'Diagnosis':
      return 'How to confirm the cause, step by step: ```console blocks, each command starting `$ `, each followed by what ' +
        'its output shows when this is the cause. Prefer `npx nx run <project>:<target>` targets over ad-hoc commands.';
    case 'Mitigation':
      return 'What brings the platform back, for each cause Diagnosis can find: ```console blocks, each command starting `$ `, ' +
        'then how to see that it worked (the alert resolves; which command shows the service healthy again).';
    case 'Escalation':
      return `Who to call when Mitigation does not work, and after how long: the primary on call, then the secondary ` +
        `(\`${ONCALL_COMMAND}\` prints both), then the owner of the area ${area} in ${ROTATION_FILE} (owners.${area}).`;
  }
}

/**
 * A new runbook: front matter, the H1, and every section in RUNBOOK_SECTIONS order holding only the guidance
 * on what to write. Well-formed Markdown as it stands (the workspace has no formatter configured).
 */
export function renderRunbookTemplate(input: RunbookTemplateInput): string {
  const frontMatter = ['---', `alert: ${input.name}`, `severity: ${input.severity}`, `area: ${input.area}`, '---'];
  const sections = RUNBOOK_SECTIONS.map((section) => `## ${section}\n\n${comment(guidance(section, input))}`);
  return [frontMatter.join('\n'), `# ${input.name}`, ...sections].join('\n\n') + '\n';
}
