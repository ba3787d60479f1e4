import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatFinding } from './finding.ts';
import { lintRunbooks } from './lint.ts';
import { projectTargetsFromGraphFile } from './lint-targets.ts';
import { renderRunbookTemplate } from './template.ts';
import { completeRunbook, FIXTURE_GRAPH, FIXTURE_INDEX, FIXTURE_ROTATION } from './testing/fixtures.ts';

const RULES = `groups:
  - name: database
    rules:
      - alert: DatabaseDown
        expr: pg_up == 0
        labels:
          severity: critical
        annotations:
          runbook_url: runbooks/database/DatabaseDown.md
`;

describe('lintRunbooks on a workspace in a temp dir', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const lint = async () => (await lintRunbooks({ root, graph: FIXTURE_GRAPH })).map(formatFinding);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'runbooks-lint-spec-'));
    write('docker/monitoring/prometheus/rules/database.yml', RULES);
    write('runbooks/README.md', `${FIXTURE_INDEX}| database | [DatabaseDown](database/DatabaseDown.md) | PostgreSQL does not answer |\n`);
    write('runbooks/.markdownlint.json', JSON.stringify({ default: true, MD013: false, MD014: false }));
    write('runbooks/database/DatabaseDown.md', completeRunbook('DatabaseDown', 'database'));
    write('runbooks/oncall/rotation.yaml', FIXTURE_ROTATION);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes a complete workspace', async () => {
    expect(await lint()).toEqual([]);
  });

  it('fails an unedited runbook as the generator writes it, naming the sections still to write', async () => {
    const generated = renderRunbookTemplate({ name: 'DatabaseDown', area: 'database', severity: 'critical', alert: { file: 'docker/monitoring/prometheus/rules/database.yml' } });
    write('runbooks/database/DatabaseDown.md', generated);
    expect(await lint()).toEqual([
      expect.stringMatching(/^runbooks\/database\/DatabaseDown\.md:9: still to write: `## Meaning`, `## Impact`, `## Diagnosis`, `## Mitigation`, `## Escalation`/),
    ]);
  });

  it('fails an alert whose runbook is missing, at the rule', async () => {
    rmSync(join(root, 'runbooks/database/DatabaseDown.md'));
    write('runbooks/README.md', FIXTURE_INDEX);
    expect(await lint()).toEqual([expect.stringMatching(/^docker\/monitoring\/prometheus\/rules\/database\.yml:4: alert DatabaseDown: runbook_url/)]);
  });

  it('fails a rule file that is not YAML, naming the file and the line', async () => {
    write('docker/monitoring/prometheus/rules/broken.yml', 'groups:\n  - name: x\n    rules: [\n');
    expect(await lint()).toEqual([expect.stringMatching(/^docker\/monitoring\/prometheus\/rules\/broken\.yml:[2-4]: not valid YAML/)]);
  });

  it('fails a rule file without a groups list', async () => {
    write('docker/monitoring/prometheus/rules/empty.yml', 'rules: []\n');
    expect(await lint()).toEqual([expect.stringMatching(/^docker\/monitoring\/prometheus\/rules\/empty\.yml:1: no `groups:` list/)]);
  });

  it('fails a target that is not in the graph and a program nobody documented', async () => {
    write('runbooks/database/DatabaseDown.md', completeRunbook('DatabaseDown', 'database').replace('$ docker compose start db', '$ npx nx run db:heal\n$ pg_ctl start'));
    expect(await lint()).toEqual([
      expect.stringMatching(/^runbooks\/database\/DatabaseDown\.md:27: `nx run db:heal`: there is no project `db`/),
      expect.stringMatching(/^runbooks\/database\/DatabaseDown\.md:28: `pg_ctl` is not on the on-call host's list/),
    ]);
  });

  it('fails malformed Markdown, a broken link, a missing host list and a missing index', async () => {
    write('runbooks/README.md', '# Runbooks\n\nSee [the guide](guide.md).\n\n\nEnd.\n');
    expect(await lint()).toEqual([
      expect.stringContaining("runbooks/README.md:1: no `## Where the commands run` section"),
      expect.stringContaining('runbooks/README.md:1: no index table'),
      expect.stringContaining('runbooks/README.md:3: the link `guide.md` leads to no file'),
      expect.stringContaining('runbooks/README.md:5: MD012/no-multiple-blanks'),
    ]);
  });

  it('fails without the markdownlint config', async () => {
    rmSync(join(root, 'runbooks/.markdownlint.json'));
    expect((await lint())[0]).toContain('runbooks/.markdownlint.json:1: missing');
  });
});

describe('lintRunbooks on this workspace', () => {
  it('passes the real runbooks against the real alert rules (graph: a static snapshot of the workspace)', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const graph = projectTargetsFromGraphFile(JSON.parse(readFileSync(fileURLToPath(new URL('testing/workspace-graph.json', import.meta.url)), 'utf8')));
    expect((await lintRunbooks({ root, graph })).map(formatFinding)).toEqual([]);
  });
});
