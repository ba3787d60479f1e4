import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { workspaceRoot } from '@nx/devkit';
import { renderRunbookTemplate } from '@satvach/runbooks';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nxEnv } from '../../e2e-support.ts';

// The real `nx g` in a temp copy of the parts of the workspace it reads (Nx's config, the plugin, the
// runbooks and the rule files; node_modules linked), so the repository itself is never written.
const COPIED = ['nx.json', 'package.json', 'tsconfig.base.json', 'runbooks', 'docker/monitoring/prometheus/rules', 'tools/vitest', 'tools/generators'];
const RULES = 'docker/monitoring/prometheus/rules/testing.yml';
const RUNBOOK = 'runbooks/testing/TestAlert.md';
const rules = `# A rule only this test has: the generator must link it and keep this comment.
groups:
  - name: testing
    rules:
      - alert: TestAlert
        # Fires when the test says so.
        expr: vector(1) > 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: "Test {{ $value }}" # quoted: braces
`;

let workspace: string;
const read = (path: string) => readFileSync(join(workspace, path), 'utf8');

/** `npx nx g <args>` in the temp workspace: exit code and everything it printed (never throws). */
async function nxGenerate(args: string[]) {
  const result = await execa('npx', ['nx', 'g', ...args], { cwd: workspace, env: nxEnv, all: true, reject: false });
  return { exitCode: result.exitCode, lines: stripVTControlCharacters(result.all ?? '').split('\n').map((line) => line.trim()) };
}

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'satvach-new-runbook-'));
  for (const path of COPIED) {
    cpSync(join(workspaceRoot, path), join(workspace, path), { recursive: true, filter: (source) => !source.includes('/node_modules') });
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(workspace, 'node_modules'));
  if (existsSync(join(workspaceRoot, 'tools/generators/node_modules'))) {
    symlinkSync(join(workspaceRoot, 'tools/generators/node_modules'), join(workspace, 'tools/generators/node_modules'));
  }
  mkdirSync(join(workspace, 'docker/monitoring/prometheus/rules'), { recursive: true });
  writeFileSync(join(workspace, RULES), rules);
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('npx nx g new-runbook, for real', () => {
  it('--dry-run prints what it would write and writes nothing', async () => {
    const readme = read('runbooks/README.md');
    const { exitCode, lines } = await nxGenerate(['new-runbook', 'TestAlert', '--area=testing', '--dry-run']);
    expect(exitCode).toBe(0);
    expect(lines).toEqual(expect.arrayContaining([`CREATE ${RUNBOOK}`, `UPDATE ${RULES}`, 'UPDATE runbooks/README.md', 'NOTE: The "dryRun" flag means no changes were made.']));
    expect(existsSync(join(workspace, RUNBOOK))).toBe(false);
    expect(read('runbooks/README.md')).toBe(readme);
    expect(read(RULES)).toBe(rules);
  });

  it('writes the runbook, its index row and the rule\'s runbook_url, keeping the rule file\'s comments', async () => {
    const readme = read('runbooks/README.md');
    const { exitCode, lines } = await nxGenerate(['new-runbook', 'TestAlert', '--area=testing']);
    expect(exitCode).toBe(0);
    expect(lines).toEqual(expect.arrayContaining([`CREATE ${RUNBOOK}`, `UPDATE ${RULES}`, 'UPDATE runbooks/README.md']));
    expect(read(RUNBOOK)).toBe(renderRunbookTemplate({ name: 'TestAlert', area: 'testing', severity: 'critical', alert: { file: RULES, for: '2m' } }));
    expect(read(RULES)).toBe(`${rules}          runbook_url: ${RUNBOOK}\n`);
    const added = read('runbooks/README.md').split('\n').filter((line) => !readme.split('\n').includes(line));
    expect(added).toEqual(['| testing | [TestAlert](testing/TestAlert.md) | The TestAlert alert fires |']);
  });

  it('run again (fully qualified), it refuses, names the file and changes nothing', async () => {
    const snapshot = () => [RUNBOOK, 'runbooks/README.md', RULES].map(read);
    const before = snapshot();
    const { exitCode, lines } = await nxGenerate(['@satvach/nx-platform:new-runbook', 'TestAlert', '--area=testing']);
    expect(exitCode).not.toBe(0);
    expect(lines.join('\n')).toContain(`${RUNBOOK} already exists: choose another name for the new runbook, or edit ${RUNBOOK}`);
    expect(snapshot()).toEqual(before);
  });
});
