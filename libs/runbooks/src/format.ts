/**
 * The shape every runbook shares: what `nx g new-runbook` writes, `runbooks:lint` checks and the
 * index lists. One place, so the generator and the lint cannot drift apart.
 *
 * A runbook is `runbooks/<area>/<AlertName>.md`:
 *
 *     ---
 *     alert: DatabaseDown        # the Prometheus alert it answers (absent for a procedure)
 *     severity: critical         # the rule's severity label
 *     area: database
 *     ---
 *     # DatabaseDown
 *     ## Meaning … ## Impact … ## Diagnosis … ## Mitigation … ## Escalation …
 *
 * A section still to write holds only an HTML comment (the generator's guidance); it counts as empty.
 */

export const RUNBOOK_SECTIONS = ['Meaning', 'Impact', 'Diagnosis', 'Mitigation', 'Escalation'] as const;
export type RunbookSection = (typeof RUNBOOK_SECTIONS)[number];

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Prometheus alert names here are PascalCase: `DatabaseDown`, `HighCpuSustained`. */
export const ALERT_NAME = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/;
/** Areas are directories under runbooks/: kebab-case, one level — the pattern the rotation's owners are keyed by. */
export { AREA_NAME } from '@satvach/oncall';

/** The runbooks' directory, relative to the workspace root: one subdirectory per area. */
export const RUNBOOKS_DIR = 'runbooks';

/** Where a runbook lives, relative to the workspace root; also the rule's `runbook_url` annotation. */
export const runbookPath = (area: string, name: string): string => `${RUNBOOKS_DIR}/${area}/${name}.md`;

/** runbooks/README.md's index: one table row per runbook, ordered by area, then name. */
export const INDEX_HEADER = '| Area | Runbook | When |';

/** The index file, relative to the workspace root. */
export const INDEX_FILE = 'runbooks/README.md';

/** One index row; `when` says in a few words when to open the runbook. */
export const indexRow = (area: string, name: string, when: string): string => `| ${area} | [${name}](${area}/${name}.md) | ${when} |`;

/** Where the Prometheus alert rules live (every `*.yml` in it), relative to the workspace root. */
export const RULES_DIR = 'docker/monitoring/prometheus/rules';

/** The rotation an Escalation section points to (`owners.<area>` names the area's owner). */
export const ROTATION_FILE = 'runbooks/oncall/rotation.yaml';

/** Prints who is on call now (primary) and next in line (secondary). */
export const ONCALL_COMMAND = 'npx nx run runbooks:oncall';
